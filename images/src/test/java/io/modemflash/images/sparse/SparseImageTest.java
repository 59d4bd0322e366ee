package io.modemflash.images.sparse;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;
import io.modemflash.images.TestPackagesAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SparseImageTest {
    @TempDir
    Path dir;

    private Path sample() throws Exception {
        Path p = dir.resolve("system.img");
        SparseWriter.write(p, 4096, List.of(
                new SparseWriter.Raw(TestPackagesAccess.bytes(1, 2 * 4096)),
                new SparseWriter.Fill(0xA5A5A5A5, 3),
                new SparseWriter.DontCare(5),
                new SparseWriter.Crc(0x12345678),
                new SparseWriter.RawZeros(4)));
        return p;
    }

    private SparseImage parse(Path p) throws Exception {
        try (FileChannel ch = FileChannel.open(p)) {
            return SparseImage.parse(ch, p.getFileName().toString());
        }
    }

    @Test
    void chunksAreBlockRangesAndSources() throws Exception {
        Path p = sample();
        SparseImage s = parse(p);
        assertEquals(4096, s.blockSize());
        assertEquals(14, s.totalBlocks());
        assertEquals(5, s.totalChunks());
        assertEquals(14 * 4096L, s.expandedSize());
        assertEquals(new SparseImage.Summary(2, 1, 1, 1, 6 * 4096, 9), s.summary());
        List<SparseImage.Chunk> c;
        try (FileChannel ch = FileChannel.open(p)) {
            c = s.chunks(ch, "system.img");
        }
        assertEquals(List.of(SparseImage.ChunkType.RAW, SparseImage.ChunkType.FILL, SparseImage.ChunkType.DONT_CARE,
                SparseImage.ChunkType.CRC32, SparseImage.ChunkType.RAW), c.stream().map(SparseImage.Chunk::type).toList());
        assertEquals(28 + 12, c.get(0).dataOffset());
        assertEquals(2, c.get(1).startBlock());
        assertEquals(0xA5A5A5A5, c.get(1).value());
        assertEquals(5, c.get(2).blocks());
        assertFalse(c.get(2).writes());
        assertEquals(0x12345678, c.get(3).value());
        assertEquals(10, c.get(4).startBlock());
        assertEquals(4 * 4096, c.get(4).dataLength());
        assertEquals(Files.size(p), c.get(4).dataOffset() + c.get(4).dataLength());
        byte[] first = Arrays.copyOfRange(Files.readAllBytes(p), 40, 40 + 8192);
        assertArrayEquals(TestPackagesAccess.bytes(1, 8192), first);
    }

    private void patch(Path p, int offset, int value) throws Exception {
        byte[] b = Files.readAllBytes(p);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        Files.write(p, b);
    }

    @Test
    void chunksThatOverrunTheImageAreRefused() throws Exception {
        Path p = sample();
        patch(p, 16, 8); // total_blks smaller than the chunks cover
        BadPackageException e = assertThrows(BadPackageException.class, () -> parse(p));
        assertEquals(Reason.OVERRUN, e.reason());
        assertTrue(e.getMessage().contains("overruns the image"), e.getMessage());
    }

    @Test
    void rawDataPastTheEndOfTheFileIsRefused() throws Exception {
        Path p = sample();
        byte[] b = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(b, b.length - 100));
        assertEquals(Reason.OVERRUN, assertThrows(BadPackageException.class, () -> parse(p)).reason());
    }

    @Test
    void inconsistentChunkSizesAreRefused() throws Exception {
        Path p = sample();
        patch(p, 28 + 8, 12 + 4096); // RAW chunk total_sz says one block, chunk_sz says two
        assertEquals(Reason.BAD_HEADER, assertThrows(BadPackageException.class, () -> parse(p)).reason());
        Path q = sample();
        byte[] b = Files.readAllBytes(q);
        b[28] = 0x77; // unknown chunk type
        Files.write(q, b);
        assertEquals(Reason.BAD_HEADER, assertThrows(BadPackageException.class, () -> parse(q)).reason());
        Path r = sample();
        patch(r, 20, 1000); // more chunks announced than present
        assertEquals(Reason.TRUNCATED, assertThrows(BadPackageException.class, () -> parse(r)).reason());
        Path s = sample();
        patch(s, 12, 0); // block size 0
        assertEquals(Reason.BAD_HEADER, assertThrows(BadPackageException.class, () -> parse(s)).reason());
    }
}
