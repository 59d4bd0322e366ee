package io.modemflash.images.elf;

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

import static org.junit.jupiter.api.Assertions.*;

class ElfImageTest {
    @TempDir
    Path dir;

    private ElfImage parse(byte[] b) throws Exception {
        Path p = Files.write(dir.resolve("prog.elf"), b);
        try (FileChannel ch = FileChannel.open(p)) {
            return ElfImage.parse(ch, "prog.elf");
        }
    }

    @Test
    void elf64ProgrammerHeaders() throws Exception {
        ElfImage e = parse(TestPackagesAccess.programmer());
        assertEquals(64, e.elfClass());
        assertTrue(e.littleEndian());
        assertEquals(183, e.machine());
        assertEquals(0x14000000L, e.entry());
        assertEquals(64, e.phoff());
        assertEquals(4, e.segments().size());
        ElfImage.Segment hash = e.hashSegment();
        assertNotNull(hash);
        assertEquals(0x1000, hash.offset());
        assertEquals(0x400, hash.filesz());
        assertEquals(0x2000, e.segments().get(2).offset());
        assertEquals(0x4000, e.segments().get(2).memsz());
        assertEquals(ElfImage.Segment.PT_LOAD, e.segments().get(2).type());
    }

    @Test
    void elf32Headers() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(0x200).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 1, 1, 1, 0});
        b.position(16);
        b.putShort((short) 2).putShort((short) 40).putInt(1).putInt(0x8000).putInt(52).putInt(0).putInt(0)
                .putShort((short) 52).putShort((short) 32).putShort((short) 1).putShort((short) 40)
                .putShort((short) 0).putShort((short) 0);
        // one PT_LOAD: offset 0x100, 0x80 bytes
        b.position(52);
        b.putInt(1).putInt(0x100).putInt(0x8000).putInt(0x8000).putInt(0x80).putInt(0x100).putInt(5).putInt(4);
        ElfImage e = parse(b.array());
        assertEquals(32, e.elfClass());
        assertEquals(0x34, e.headerSize());
        ElfImage.Segment s = e.segments().get(0);
        assertEquals(0x100, s.offset());
        assertEquals(0x80, s.filesz());
        assertEquals(0x100, s.memsz());
        assertEquals(5, s.flags());
    }

    @Test
    void hostileHeadersAreRefused() throws Exception {
        byte[] good = TestPackagesAccess.programmer();
        byte[] badSeg = good.clone();
        // segment 2's p_filesz (at 64 + 56*2 + 32) beyond the file
        ByteBuffer.wrap(badSeg).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 56 * 2 + 32, 1L << 40);
        assertEquals(Reason.OVERRUN, assertThrows(BadPackageException.class, () -> parse(badSeg)).reason());
        byte[] badPh = good.clone();
        ByteBuffer.wrap(badPh).order(ByteOrder.LITTLE_ENDIAN).putLong(32, Long.MAX_VALUE - 10);
        assertEquals(Reason.OVERRUN, assertThrows(BadPackageException.class, () -> parse(badPh)).reason());
        byte[] manyPh = good.clone();
        ByteBuffer.wrap(manyPh).order(ByteOrder.LITTLE_ENDIAN).putShort(56, (short) 0xFFFF);
        assertEquals(Reason.TOO_LARGE, assertThrows(BadPackageException.class, () -> parse(manyPh)).reason());
        assertEquals(Reason.TRUNCATED, assertThrows(BadPackageException.class,
                () -> parse(Arrays.copyOf(good, 40))).reason());
        assertEquals(Reason.BAD_HEADER, assertThrows(BadPackageException.class,
                () -> parse("not an elf at all, really".getBytes())).reason());
    }
}
