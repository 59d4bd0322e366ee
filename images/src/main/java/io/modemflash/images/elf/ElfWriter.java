package io.modemflash.images.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Builds small little-endian ELF64 files (sample programmers, tests): an ELF header,
 * program headers right after it, and each segment's bytes at its file offset.
 */
public final class ElfWriter {
    /** Qualcomm segment type "hash" in p_flags bits 24-26. */
    public static final long QCOM_HASH_FLAGS = 2L << 24;

    private ElfWriter() {
    }

    /** A segment: bytes placed at {@code offset} in the file. */
    public record Seg(long type, long flags, long offset, long vaddr, byte[] data, long memsz) {
    }

    public static byte[] elf64(int machine, long entry, List<Seg> segs) {
        long end = 64 + 56L * segs.size();
        for (Seg s : segs) {
            end = Math.max(end, s.offset() + s.data().length);
        }
        ByteBuffer b = ByteBuffer.allocate((int) end).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.position(16);
        b.putShort((short) 2).putShort((short) machine).putInt(1).putLong(entry).putLong(64).putLong(0).putInt(0)
                .putShort((short) 64).putShort((short) 56).putShort((short) segs.size()).putShort((short) 64)
                .putShort((short) 0).putShort((short) 0);
        for (int i = 0; i < segs.size(); i++) {
            Seg s = segs.get(i);
            b.position(64 + 56 * i);
            b.putInt((int) s.type()).putInt((int) s.flags()).putLong(s.offset()).putLong(s.vaddr()).putLong(s.vaddr())
                    .putLong(s.data().length).putLong(Math.max(s.memsz(), s.data().length)).putLong(0x1000);
        }
        for (Seg s : segs) {
            b.position((int) s.offset());
            b.put(s.data());
        }
        return b.array();
    }
}
