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
 * bytes: SHA-256, CRC-32C of the whole file (what the download checks again while it sends
 * the file), CRC-32 where an archive's record is to be checked, Sierra CRCs over given ranges,
 * and the first Qualcomm {@code QC_IMAGE_VERSION_STRING=} marker. Memory use does not depend
 * on the file size.
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
    public record Result(long size, String sha256, long crc32c, long crc32, List<Long> crcs, String qcVersion) {
    }

    private ImageScanner() {
    }

    public static Result scan(Path file, List<CrcRange> ranges) throws IOException {
        return scan(file, ranges, true);
    }

    /** One pass; the CRC-32 only {@code withCrc32} (to compare with a zip's or 7z's record). */
    public static Result scan(Path file, List<CrcRange> ranges, boolean withCrc32) throws IOException {
        MessageDigest sha = sha256();
        java.util.zip.CRC32C whole = new java.util.zip.CRC32C();
        java.util.zip.CRC32 archiveCrc = withCrc32 ? new java.util.zip.CRC32() : null;
        SierraCrc[] crcs = new SierraCrc[ranges.size()];
        for (int i = 0; i < crcs.length; i++) {
            crcs[i] = new SierraCrc();
        }
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
                sha.update(a, 0, n);
                whole.update(a, 0, n);
                if (archiveCrc != null) {
                    archiveCrc.update(a, 0, n);
                }
                for (int i = 0; i < crcs.length; i++) {
                    CrcRange r = ranges.get(i);
                    long from = Math.max(r.start, pos);
                    long to = Math.min(r.end, pos + n);
                    if (from < to) {
                        crcs[i].update(a, (int) (from - pos), (int) (to - from));
                    }
                }
                marker.feed(a, n);
                pos += n;
            }
        }
        List<Long> values = new ArrayList<>(crcs.length);
        for (SierraCrc c : crcs) {
            values.add(c.value());
        }
        return new Result(pos, HexFormat.of().formatHex(sha.digest()), whole.getValue(),
                archiveCrc == null ? -1 : archiveCrc.getValue(), values, marker.value());
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
