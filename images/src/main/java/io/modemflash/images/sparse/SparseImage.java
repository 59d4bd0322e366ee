package io.modemflash.images.sparse;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * An Android sparse image (PROTOCOLS.md section 5), read as a sequence of chunks, each an
 * output block range plus where its data comes from. Nothing is expanded: a 4 GiB image
 * costs a few header reads. All integers little-endian.
 *
 * @param blockSize  blk_sz, bytes per output block
 * @param totalBlocks total_blks, blocks of the expanded image
 * @param totalChunks total_chunks
 * @param fileHeaderSize file_hdr_sz (28)
 * @param chunkHeaderSize chunk_hdr_sz (12)
 * @param checksum image checksum field (not used by flashers)
 * @param summary counts per chunk type, filled by validation
 */
public record SparseImage(int blockSize, long totalBlocks, long totalChunks, int fileHeaderSize,
                          int chunkHeaderSize, long checksum, Summary summary) {

    public static final int MAGIC = 0xED26FF3A;

    public enum ChunkType {
        RAW(0xCAC1), FILL(0xCAC2), DONT_CARE(0xCAC3), CRC32(0xCAC4);

        public final int code;

        ChunkType(int code) {
            this.code = code;
        }

        static ChunkType of(int code) {
            for (ChunkType t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    /**
     * One chunk: output blocks [{@code startBlock}, {@code startBlock + blocks}); RAW data is
     * {@code dataLength} bytes at {@code dataOffset} of the sparse file; FILL repeats the
     * 4-byte {@code value}; DONT_CARE writes nothing; CRC32 carries {@code value} as a check.
     */
    public record Chunk(int index, ChunkType type, long startBlock, long blocks, long dataOffset, long dataLength,
                       int value) {
        public long startByte(int blockSize) {
            return startBlock * blockSize;
        }

        public long lengthBytes(int blockSize) {
            return blocks * blockSize;
        }

        /** True when this chunk puts bytes on the device (one program per RAW/FILL run). */
        public boolean writes() {
            return type == ChunkType.RAW || type == ChunkType.FILL;
        }
    }

    /** Counts gathered while validating. */
    public record Summary(long raw, long fill, long dontCare, long crc32, long rawBytes, long writtenBlocks) {
    }

    public static boolean looksLikeSparse(byte[] head) {
        return head.length >= 4 && ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == MAGIC;
    }

    public long expandedSize() {
        return totalBlocks * blockSize;
    }

    /** Reads and validates the header and every chunk header; {@code where} names the file in errors. */
    public static SparseImage parse(FileChannel ch, String where) throws IOException {
        SparseImage header = header(ch, where);
        long[] counts = new long[6];
        forEach(ch, header, where, c -> {
            counts[c.type().ordinal()]++;
            if (c.type() == ChunkType.RAW) {
                counts[4] += c.dataLength();
            }
            if (c.writes()) {
                counts[5] += c.blocks();
            }
        });
        return new SparseImage(header.blockSize, header.totalBlocks, header.totalChunks, header.fileHeaderSize,
                header.chunkHeaderSize, header.checksum,
                new Summary(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]));
    }

    /** Every chunk in order (one list; use {@link #forEach} for images with very many chunks). */
    public List<Chunk> chunks(FileChannel ch, String where) throws IOException {
        List<Chunk> out = new ArrayList<>();
        forEach(ch, this, where, out::add);
        return out;
    }

    /** Calls {@code visitor} for every chunk in file order, validating as it goes. */
    public static void forEach(FileChannel ch, SparseImage h, String where, Consumer<Chunk> visitor) throws IOException {
        Iterator<Chunk> it = iterator(ch, h, where);
        try {
            while (it.hasNext()) {
                visitor.accept(it.next());
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static SparseImage header(FileChannel ch, String where) throws IOException {
        long size = ch.size();
        if (size < 28) {
            throw new BadPackageException(Reason.TRUNCATED, where, "shorter than an Android sparse header");
        }
        ByteBuffer b = read(ch, 0, 28);
        if (b.getInt(0) != MAGIC) {
            throw new BadPackageException(Reason.BAD_HEADER, where, "not an Android sparse image (bad magic)");
        }
        int major = Short.toUnsignedInt(b.getShort(4));
        int fileHdr = Short.toUnsignedInt(b.getShort(8));
        int chunkHdr = Short.toUnsignedInt(b.getShort(10));
        long blk = Integer.toUnsignedLong(b.getInt(12));
        long totalBlks = Integer.toUnsignedLong(b.getInt(16));
        long totalChunks = Integer.toUnsignedLong(b.getInt(20));
        if (major != 1) {
            throw new BadPackageException(Reason.UNSUPPORTED, where, "sparse format version " + major + " (only 1 is known)");
        }
        if (fileHdr < 28 || chunkHdr < 12 || fileHdr > size) {
            throw new BadPackageException(Reason.BAD_HEADER, where, "sparse header sizes " + fileHdr + "/" + chunkHdr
                    + " are invalid");
        }
        if (blk == 0 || blk % 4 != 0 || blk > (1 << 24)) {
            throw new BadPackageException(Reason.BAD_HEADER, where, "sparse block size " + blk + " is invalid");
        }
        return new SparseImage((int) blk, totalBlks, totalChunks, fileHdr, chunkHdr,
                Integer.toUnsignedLong(b.getInt(24)), null);
    }

    private static Iterator<Chunk> iterator(FileChannel ch, SparseImage h, String where) throws IOException {
        long size = ch.size();
        return new Iterator<>() {
            long pos = h.fileHeaderSize;
            long block;
            int index;

            @Override
            public boolean hasNext() {
                if (index < h.totalChunks) {
                    return true;
                }
                if (block != h.totalBlocks) {
                    throw unchecked(Reason.SIZE_MISMATCH, "chunks cover " + block + " blocks but the header says "
                            + h.totalBlocks);
                }
                if (pos != size) {
                    throw unchecked(Reason.SIZE_MISMATCH, (size - pos) + " stray bytes after the last chunk");
                }
                return false;
            }

            @Override
            public Chunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                try {
                    return nextChunk();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            private Chunk nextChunk() throws IOException {
                if (pos + h.chunkHeaderSize > size) {
                    throw new BadPackageException(Reason.TRUNCATED, where, "chunk " + index + " header at offset " + pos
                            + " is past the end of the file (" + h.totalChunks + " chunks announced)");
                }
                ByteBuffer c = read(ch, pos, 12);
                int code = Short.toUnsignedInt(c.getShort(0));
                long blocks = Integer.toUnsignedLong(c.getInt(4));
                long total = Integer.toUnsignedLong(c.getInt(8));
                ChunkType type = ChunkType.of(code);
                if (type == null) {
                    throw new BadPackageException(Reason.BAD_HEADER, where, String.format(
                            "chunk %d has unknown type 0x%04X", index, code));
                }
                long data = total - h.chunkHeaderSize;
                long expected = switch (type) {
                    case RAW -> blocks * h.blockSize;
                    case FILL, CRC32 -> 4;
                    case DONT_CARE -> 0;
                };
                if (total < h.chunkHeaderSize || data != expected) {
                    throw new BadPackageException(Reason.BAD_HEADER, where, "chunk " + index + " (" + type
                            + ") says " + total + " bytes, expected " + (expected + h.chunkHeaderSize));
                }
                long dataOffset = pos + h.chunkHeaderSize;
                if (data > size - dataOffset) {
                    throw new BadPackageException(Reason.OVERRUN, where, "chunk " + index + " (" + type
                            + ") data runs past the end of the file");
                }
                if (type == ChunkType.CRC32 && blocks != 0) {
                    throw new BadPackageException(Reason.BAD_HEADER, where, "CRC32 chunk " + index + " covers blocks");
                }
                if (blocks > h.totalBlocks - block) {
                    throw new BadPackageException(Reason.OVERRUN, where, "chunk " + index + " overruns the image: blocks "
                            + block + "+" + blocks + " beyond the " + h.totalBlocks + " the header declares");
                }
                int value = 0;
                if (type == ChunkType.FILL || type == ChunkType.CRC32) {
                    value = read(ch, dataOffset, 4).getInt(0);
                }
                Chunk chunk = new Chunk(index, type, block, blocks, dataOffset, data, value);
                block += blocks;
                pos = dataOffset + data;
                index++;
                return chunk;
            }

            private UncheckedIOException unchecked(Reason r, String m) {
                return new UncheckedIOException(new BadPackageException(r, where, m));
            }
        };
    }

    private static ByteBuffer read(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (bb.hasRemaining()) {
            if (ch.read(bb, pos + bb.position()) < 0) {
                throw new BadPackageException(Reason.TRUNCATED, null, "sparse file ends at " + (pos + bb.position())
                        + " (it changed after it was inspected?)");
            }
        }
        bb.flip();
        return bb;
    }
}
