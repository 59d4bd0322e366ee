package io.modemflash.images;

import io.modemflash.images.BadPackageException.Reason;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * How the download reads an image for the device: positional reads in increasing order,
 * while every byte of the file (including the parts never sent: a CWE header sent in an open
 * message, sparse chunk headers, Gobi's trailer, bytes past a partition) is hashed in file
 * order. The read that would deliver the last byte the download needs ({@code end}) first
 * hashes the rest of the file and compares the CRC-32C with the one inspection read (for zip
 * and 7z members, from the bytes it checked against the archive's CRC-32): on a mismatch it throws a bad-package exception
 * naming the image instead of returning that data, so the device never receives, and never
 * acknowledges, a complete corrupt image. Re-reads of bytes already hashed are served but not
 * checked again.
 */
public final class ImageReader implements Closeable {
    private static final int SCRATCH = 1 << 16;

    private final PackageImage image;
    private final FileChannel channel;
    private final long end;
    private final CRC32C crc = new CRC32C();
    private byte[] scratch;
    private long hashed;
    private boolean verified;

    private ImageReader(PackageImage image, long end) throws IOException {
        this.image = image;
        this.channel = image.openChannel();
        this.end = Math.min(end, image.size());
    }

    /**
     * @param end offset just past the last byte the caller will read; 0 when it reads nothing
     *            (the file is then checked at once)
     */
    public static ImageReader open(PackageImage image, long end) throws IOException {
        ImageReader r = new ImageReader(image, end);
        try {
            if (r.end <= 0) {
                r.verify();
            }
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    /** Reads the whole file once and checks it: for images served by ranges in any order (Sahara). */
    public static void check(PackageImage image) throws IOException {
        try (ImageReader r = new ImageReader(image, 0)) {
            r.verify();
        }
    }

    public PackageImage image() {
        return image;
    }

    /**
     * Up to {@code len} bytes at {@code position} (fewer only at the end of the file; -1 past it).
     * Throws {@link BadPackageException} when this read completes what the download needs and
     * the file is not what inspection accepted.
     */
    public int read(long position, byte[] dst, int off, int len) throws IOException {
        if (position > hashed) {
            hashUpTo(position);
        }
        int n = channel.read(ByteBuffer.wrap(dst, off, len), position);
        if (n <= 0) {
            return n;
        }
        long fresh = position + n - hashed;
        if (fresh > 0) {
            crc.update(dst, off + n - (int) fresh, (int) fresh);
            hashed += fresh;
        }
        if (!verified && position + n >= end) {
            verify();
        }
        return n;
    }

    /** Bytes [from, from + length) as a stream (for the sessions' prefetchers). */
    public InputStream stream(long from, long length) {
        return new InputStream() {
            private long pos = from;
            private final long stop = from + length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= stop) {
                    return -1;
                }
                int n = ImageReader.this.read(pos, b, off, (int) Math.min(len, stop - pos));
                if (n > 0) {
                    pos += n;
                }
                return n;
            }
        };
    }

    private void hashUpTo(long position) throws IOException {
        if (scratch == null) {
            scratch = new byte[SCRATCH];
        }
        while (hashed < position) {
            int want = (int) Math.min(scratch.length, position - hashed);
            int n = channel.read(ByteBuffer.wrap(scratch, 0, want), hashed);
            if (n < 0) {
                throw new BadPackageException(Reason.TRUNCATED, image.name(), "the file ends at " + hashed
                        + " bytes; inspection saw " + image.size() + ": it changed after inspection");
            }
            crc.update(scratch, 0, n);
            hashed += n;
        }
    }

    private void verify() throws IOException {
        long size = channel.size();
        hashUpTo(size);
        verified = true;
        if (size != image.size() || crc.getValue() != image.crc32c()) {
            String vouched = image.crcSource().equals("inspection") ? ""
                    : ", where " + image.crcSource() + "'s CRC-32 matched";
            throw new BadPackageException(Reason.CRC_MISMATCH, image.name(), String.format("CRC-32C of the bytes read for "
                    + "the device is %08X (%d bytes), inspection read %08X (%d bytes%s): the image is corrupt or "
                    + "changed after inspection; its last bytes were not sent", crc.getValue(), size, image.crc32c(),
                    image.size(), vouched));
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
