package io.modemflash.images;

import io.modemflash.images.cwe.SierraCrc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads a file once, in 1 MiB pieces, and computes everything inspection needs from its
 * bytes: CRC-32C of the whole file (what the download checks again while it sends the file),
 * CRC-32 where an archive's record is to be checked, Sierra CRCs over given ranges, and the
 * first Qualcomm {@code QC_IMAGE_VERSION_STRING=} marker. Memory use does not depend on the
 * file size.
 *
 * <p>No SHA-256: only {@code inspect}'s listing and the proof of an EDL write need one, and it
 * costs more than everything else here together ({@link #sha256(Path)} when they ask). Nested
 * CWE ranges (a MODM inside the SPKG that covers the whole file) are not CRC'd once per
 * level: each byte goes into one segment's CRC, and each range's CRC is combined from its
 * segments.
 */
public final class ImageScanner {
    static final byte[] MARKER = "QC_IMAGE_VERSION_STRING=".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_VERSION = 128;
    private static final int BUFFER = 1 << 20;

    /** A byte range whose Sierra CRC is wanted. */
    public record CrcRange(long start, long end) {
    }

    /**
     * What one pass found; {@code crcs} is in the order of the requested ranges; {@code crc32}
     * is -1 when it was not asked for.
     */
    public record Result(long size, long crc32c, long crc32, List<Long> crcs, String qcVersion) {
    }

    private ImageScanner() {
    }

    public static Result scan(Path file, List<CrcRange> ranges) throws IOException {
        return scan(file, ranges, true);
    }

    /** One pass; the CRC-32 only {@code withCrc32} (to compare with a zip's or 7z's record). */
    public static Result scan(Path file, List<CrcRange> ranges, boolean withCrc32) throws IOException {
        java.util.zip.CRC32C whole = new java.util.zip.CRC32C();
        java.util.zip.CRC32 archiveCrc = withCrc32 ? new java.util.zip.CRC32() : null;
        RangeCrcs crcs = new RangeCrcs(ranges);
        MarkerFinder marker = new MarkerFinder();
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        byte[] a = buf.array();
        long pos = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    continue;
                }
                whole.update(a, 0, n);
                if (archiveCrc != null) {
                    archiveCrc.update(a, 0, n);
                }
                crcs.update(a, n, pos);
                marker.feed(a, n);
                pos += n;
            }
        }
        return new Result(pos, whole.getValue(), archiveCrc == null ? -1 : archiveCrc.getValue(), crcs.values(),
                marker.value());
    }

    /** Lower-case hex SHA-256 of a whole file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int n; (n = ch.read(buf.clear())) >= 0; ) {
                sha.update(buf.array(), 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Sierra CRCs of possibly nested or overlapping ranges with each byte CRC'd once: the
     * ranges' ends cut the file into segments, each covered segment gets its own CRC-32, and
     * a range's CRC is its segments' combined ({@link Crc32Combine}).
     */
    static final class RangeCrcs {
        private final List<CrcRange> ranges;
        private final long[] cuts; // sorted distinct range ends; segment k is [cuts[k], cuts[k + 1])
        private final long[] segmentCrc;
        private final long[] segmentRead; // bytes of the segment the file had
        private final boolean[] covered;
        private int segment;
        private final java.util.zip.CRC32 crc = new java.util.zip.CRC32();

        RangeCrcs(List<CrcRange> ranges) {
            this.ranges = ranges;
            java.util.TreeSet<Long> points = new java.util.TreeSet<>();
            for (CrcRange r : ranges) {
                if (r.start() < r.end()) {
                    points.add(r.start());
                    points.add(r.end());
                }
            }
            cuts = points.stream().mapToLong(Long::longValue).toArray();
            int segments = Math.max(0, cuts.length - 1);
            segmentCrc = new long[segments];
            segmentRead = new long[segments];
            covered = new boolean[segments];
            for (CrcRange r : ranges) {
                for (int k = 0; k < segments; k++) {
                    covered[k] |= r.start() <= cuts[k] && cuts[k + 1] <= r.end();
                }
            }
        }

        /** Feeds bytes {@code a[0, n)}, which sit at file offset {@code pos}. */
        void update(byte[] a, int n, long pos) {
            long end = pos + n;
            while (segment < segmentCrc.length && pos < end) {
                long from = Math.max(pos, cuts[segment]);
                long to = Math.min(end, cuts[segment + 1]);
                if (from < to && covered[segment]) {
                    crc.update(a, (int) (from - pos), (int) (to - from));
                    segmentRead[segment] += to - from;
                }
                if (end >= cuts[segment + 1]) { // segment complete
                    segmentCrc[segment] = crc.getValue();
                    crc.reset();
                    segment++;
                } else {
                    break;
                }
            }
        }

        /** Each range's Sierra CRC, in the order given (ranges past the end of the file: what was read of them). */
        List<Long> values() {
            if (segment < segmentCrc.length) { // the file ended inside a segment
                segmentCrc[segment] = crc.getValue();
            }
            List<Long> out = new ArrayList<>(ranges.size());
            for (CrcRange r : ranges) {
                long c = 0; // CRC-32 of nothing
                for (int k = 0; k < segmentCrc.length; k++) {
                    if (r.start() <= cuts[k] && cuts[k + 1] <= r.end()) {
                        c = Crc32Combine.combine(c, segmentCrc[k], segmentRead[k]);
                    }
                }
                out.add(~c & 0xFFFFFFFFL); // Sierra's CRC is zlib's without the final inversion
            }
            return out;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Streaming matcher: the marker has a single 'Q', so a mismatch can restart cleanly. */
    static final class MarkerFinder {
        private static final java.lang.invoke.VarHandle LONGS =
                java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
        private int matched;
        private StringBuilder value;
        private String done;

        void feed(byte[] a, int n) {
            int i = 0;
            while (i < n && done == null) {
                if (value != null) {
                    int c = a[i] & 0xff;
                    if (c >= 0x20 && c < 0x7f && value.length() < MAX_VERSION) {
                        value.append((char) c);
                    } else {
                        done = value.toString().trim();
                        if (done.isEmpty()) { // a marker without a value: keep looking
                            done = null;
                        }
                        value = null;
                    }
                    i++;
                } else if (matched == 0) {
                    i = skipToQ(a, i, n);
                    if (i < n) {
                        matched = 1;
                        i++;
                    }
                } else if (a[i] == MARKER[matched]) {
                    i++;
                    if (++matched == MARKER.length) {
                        matched = 0;
                        value = new StringBuilder();
                    }
                } else {
                    matched = 0; // re-examine this byte: it may be a 'Q'
                }
            }
        }

        /**
         * Index of the next 'Q' at or after {@code i} (or {@code n}), eight bytes at a time:
         * a byte equal to 'Q' turns into a zero byte after the XOR, which the classic
         * has-zero-byte test finds. Images are mostly not 'Q', so this keeps the marker
         * search well below the cost of SHA-256.
         */
        static int skipToQ(byte[] a, int i, int n) {
            while (i + 8 <= n) {
                long x = (long) LONGS.get(a, i) ^ 0x5151515151515151L;
                if (((x - 0x0101010101010101L) & ~x & 0x8080808080808080L) != 0) {
                    break;
                }
                i += 8;
            }
            while (i < n && a[i] != 'Q') {
                i++;
            }
            return i;
        }

        String value() {
            if (done == null && value != null && !value.isEmpty()) {
                return value.toString().trim();
            }
            return done;
        }
    }
}
