package io.modemflash.qdl.sahara;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An image the device reads by ranges (programmer ELF, multi-image boot). Random access so a
 * large file is never loaded whole.
 */
public interface SaharaImage extends Closeable {
    String name();

    long size();

    /** Copies exactly {@code len} bytes at {@code offset} (the caller checked the range). */
    void read(long offset, byte[] dst, int off, int len) throws IOException;

    @Override
    default void close() throws IOException {
    }

    static SaharaImage of(String name, byte[] bytes) {
        return new SaharaImage() {
            public String name() {
                return name;
            }

            public long size() {
                return bytes.length;
            }

            public void read(long offset, byte[] dst, int off, int len) {
                System.arraycopy(bytes, (int) offset, dst, off, len);
            }
        };
    }

    /**
     * A package's programmer: the device reads it by ranges in its own order, so the whole
     * file is checked against the CRC-32 inspection accepted before the first byte is served.
     */
    static SaharaImage open(io.modemflash.images.PackageImage image) throws IOException {
        io.modemflash.images.ImageReader.check(image);
        return open(image.path());
    }

    static SaharaImage open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        long size = ch.size();
        String name = file.getFileName().toString();
        return new SaharaImage() {
            public String name() {
                return name;
            }

            public long size() {
                return size;
            }

            public void read(long offset, byte[] dst, int off, int len) throws IOException {
                ByteBuffer b = ByteBuffer.wrap(dst, off, len);
                while (b.hasRemaining()) {
                    if (ch.read(b, offset + b.position() - off) < 0) {
                        throw new EOFException(name + " shrank while being read");
                    }
                }
            }

            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
