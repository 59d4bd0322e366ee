package io.modemflash.images.sparse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes Android sparse images from a chunk list (samples, tests, benchmarks). Zero RAW
 * runs are written as holes, so a multi-GiB image costs no disk space.
 */
public final class SparseWriter {
    private SparseWriter() {
    }

    /** One chunk to write. */
    public sealed interface Spec permits Raw, RawZeros, Fill, DontCare, Crc {
        long blocks(int blockSize);
    }

    /** RAW with these bytes (a whole number of blocks). */
    public record Raw(byte[] data) implements Spec {
        public long blocks(int bs) {
            if (data.length % bs != 0) {
                throw new IllegalArgumentException("RAW data must be whole blocks");
            }
            return data.length / bs;
        }
    }

    /** RAW of zero bytes, written as a hole in the file. */
    public record RawZeros(long count) implements Spec {
        public long blocks(int bs) {
            return count;
        }
    }

    public record Fill(int pattern, long count) implements Spec {
        public long blocks(int bs) {
            return count;
        }
    }

    public record DontCare(long count) implements Spec {
        public long blocks(int bs) {
            return count;
        }
    }

    /** CRC32 chunk carrying {@code value}. */
    public record Crc(int value) implements Spec {
        public long blocks(int bs) {
            return 0;
        }
    }

    public static void write(Path out, int blockSize, List<Spec> chunks) throws IOException {
        long total = 0;
        for (Spec s : chunks) {
            total += s.blocks(blockSize);
        }
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(SparseImage.MAGIC).putShort((short) 1).putShort((short) 0).putShort((short) 28)
                    .putShort((short) 12).putInt(blockSize).putInt((int) total).putInt(chunks.size()).putInt(0);
            h.flip();
            ch.write(h);
            long pos = 28;
            for (Spec s : chunks) {
                ByteBuffer c = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
                long blocks = s.blocks(blockSize);
                if (s instanceof Raw r) {
                    c.putShort((short) SparseImage.ChunkType.RAW.code).putShort((short) 0)
                            .putInt((int) blocks).putInt((int) (12 + r.data().length));
                } else if (s instanceof RawZeros) {
                    c.putShort((short) SparseImage.ChunkType.RAW.code).putShort((short) 0)
                            .putInt((int) blocks).putInt((int) (12 + blocks * blockSize));
                } else if (s instanceof Fill f) {
                    c.putShort((short) SparseImage.ChunkType.FILL.code).putShort((short) 0)
                            .putInt((int) blocks).putInt(16).putInt(f.pattern());
                } else if (s instanceof DontCare) {
                    c.putShort((short) SparseImage.ChunkType.DONT_CARE.code).putShort((short) 0)
                            .putInt((int) blocks).putInt(12);
                } else if (s instanceof Crc k) {
                    c.putShort((short) SparseImage.ChunkType.CRC32.code).putShort((short) 0)
                            .putInt(0).putInt(16).putInt(k.value());
                }
                c.flip();
                pos += writeAt(ch, c, pos);
                if (s instanceof Raw r) {
                    pos += writeAt(ch, ByteBuffer.wrap(r.data()), pos);
                } else if (s instanceof RawZeros) {
                    pos += blocks * blockSize; // hole
                }
            }
            if (ch.size() < pos) { // a trailing hole still needs the file to be that long
                ch.write(ByteBuffer.allocate(1), pos - 1);
            }
        }
    }

    private static int writeAt(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int n = b.remaining();
        long p = pos;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
        return n;
    }
}
