package io.modemflash.images.elf;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * ELF32/ELF64 file and program headers of a programmer or signed image. Only headers are
 * read; Sahara later serves arbitrary byte ranges of the file itself.
 *
 * @param elfClass 32 or 64
 * @param littleEndian data encoding
 * @param type e_type (2 executable)
 * @param machine e_machine (40 ARM, 183 AArch64, 164 Hexagon)
 * @param entry e_entry
 * @param phoff where the program headers start
 * @param phentsize size of one program header
 * @param headerSize e_ehsize (0x34 for ELF32, 0x40 for ELF64)
 * @param segments the program headers in file order
 */
public record ElfImage(int elfClass, boolean littleEndian, int type, int machine, long entry, long phoff,
                       int phentsize, int headerSize, List<Segment> segments) {

    static final int MAX_PHDRS = 1024;

    public ElfImage {
        segments = List.copyOf(segments);
    }

    /**
     * One program header. Qualcomm keeps its segment type in p_flags bits 24-26
     * ({@link #qcomType()}): 2 is the hash segment (certificate chain and hashes).
     */
    public record Segment(int index, long type, long flags, long offset, long vaddr, long paddr, long filesz,
                          long memsz, long align) {
        public static final long PT_LOAD = 1;
        public static final long PT_NULL = 0;

        public int qcomType() {
            return (int) ((flags >>> 24) & 0x7);
        }

        public boolean isHash() {
            return qcomType() == 2;
        }

        public long end() {
            return offset + filesz;
        }
    }

    /** Whether the first bytes of a file are an ELF identification. */
    public static boolean looksLikeElf(byte[] head) {
        return head.length >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
    }

    /** Program headers a primary boot loader reads at most (more: Sahara error 0x0E). */
    static final int PBL_MAX_PHDRS = 64;
    /** Where a boot loader looks for the program headers: inside the first 64 KiB (else 0x11). */
    static final long PBL_MAX_PHOFF = 0x10000;
    /** Largest segment and offset a boot loader will read (else Sahara 0x1A, invalid data size request). */
    static final long PBL_MAX_SEGMENT = 64L << 20;
    static final long PBL_MAX_OFFSET = 1L << 32;

    /**
     * Refuses a programmer that a Qualcomm primary boot loader would reject during Sahara (after
     * the device has entered download mode): what it reads must be little-endian ELF with at
     * most {@value #PBL_MAX_PHDRS} program headers in the first 64 KiB, a hash segment, and
     * segments that lie inside the file and within its request limits.
     */
    public void requireSaharaLoadable(long fileSize, String where) throws BadPackageException {
        if (!littleEndian) {
            throw new BadPackageException(Reason.BAD_HEADER, where, "big-endian ELF: boot loaders load only little-endian "
                    + "programmers");
        }
        if (segments.size() > PBL_MAX_PHDRS) {
            throw new BadPackageException(Reason.UNSUPPORTED, where, segments.size() + " program headers; boot loaders "
                    + "take at most " + PBL_MAX_PHDRS);
        }
        if (phoff < headerSize || phoff > PBL_MAX_PHOFF) {
            throw new BadPackageException(Reason.BAD_HEADER, where, "program headers at offset " + phoff
                    + ": boot loaders look for them after the ELF header, within the first 64 KiB");
        }
        for (Segment s : segments) {
            if (Long.compareUnsigned(s.offset(), Math.min(fileSize, PBL_MAX_OFFSET)) > 0
                    || Long.compareUnsigned(s.filesz(), PBL_MAX_SEGMENT) > 0) {
                throw new BadPackageException(Reason.OVERRUN, where, String.format("ELF segment %d at offset 0x%x, "
                        + "%d bytes: outside the file (%d bytes) or beyond what a boot loader reads (Sahara would "
                        + "fail with 0x1A)", s.index(), s.offset(), s.filesz(), fileSize));
            }
        }
        Segment hash = hashSegment();
        if (hash == null || hash.filesz() == 0) {
            throw new BadPackageException(Reason.BAD_HEADER, where, "no hash segment (Qualcomm segment type 2): a boot "
                    + "loader refuses such a programmer (Sahara 0x23, hash table not found)");
        }
    }

    /** The hash segment, if any. */
    public Segment hashSegment() {
        return segments.stream().filter(Segment::isHash).findFirst().orElse(null);
    }

    public static ElfImage parse(FileChannel ch, String where) throws IOException {
        long size = ch.size();
        ByteBuffer id = read(ch, 0, 16, size, where, "ELF identification");
        byte[] ident = id.array();
        if (!looksLikeElf(ident)) {
            throw new BadPackageException(Reason.BAD_HEADER, where, "not an ELF file (bad magic)");
        }
        int cls = ident[4];
        int data = ident[5];
        if (cls != 1 && cls != 2) {
            throw new BadPackageException(Reason.BAD_HEADER, where, "ELF class " + cls + " is neither 32 nor 64 bit");
        }
        if (data != 1 && data != 2) {
            throw new BadPackageException(Reason.BAD_HEADER, where, "ELF data encoding " + data + " is unknown");
        }
        boolean is64 = cls == 2;
        ByteOrder order = data == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        int ehsize = is64 ? 64 : 52;
        ByteBuffer h = read(ch, 0, ehsize, size, where, "ELF header").order(order);
        int type = Short.toUnsignedInt(h.getShort(16));
        int machine = Short.toUnsignedInt(h.getShort(18));
        long entry = is64 ? h.getLong(24) : Integer.toUnsignedLong(h.getInt(24));
        long phoff = is64 ? h.getLong(32) : Integer.toUnsignedLong(h.getInt(28));
        int ehsizeField = Short.toUnsignedInt(h.getShort(is64 ? 52 : 40));
        int phentsize = Short.toUnsignedInt(h.getShort(is64 ? 54 : 42));
        int phnum = Short.toUnsignedInt(h.getShort(is64 ? 56 : 44));
        int expectedPh = is64 ? 56 : 32;
        if (phnum == 0) {
            throw new BadPackageException(Reason.BAD_HEADER, where, "ELF has no program headers");
        }
        if (phentsize != expectedPh) {
            throw new BadPackageException(Reason.BAD_HEADER, where, "ELF program header size " + phentsize
                    + ", expected " + expectedPh);
        }
        if (phnum > MAX_PHDRS) {
            throw new BadPackageException(Reason.TOO_LARGE, where, "ELF has " + phnum + " program headers (limit "
                    + MAX_PHDRS + ")");
        }
        if (phoff < 0 || phoff > size || (long) phnum * phentsize > size - phoff) {
            throw new BadPackageException(Reason.OVERRUN, where, "ELF program headers at " + phoff
                    + " run past the end of the file (" + size + " bytes)");
        }
        ByteBuffer ph = read(ch, phoff, phnum * phentsize, size, where, "program headers").order(order);
        List<Segment> segs = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            int o = i * phentsize;
            Segment s;
            if (is64) {
                s = new Segment(i, Integer.toUnsignedLong(ph.getInt(o)), Integer.toUnsignedLong(ph.getInt(o + 4)),
                        ph.getLong(o + 8), ph.getLong(o + 16), ph.getLong(o + 24), ph.getLong(o + 32),
                        ph.getLong(o + 40), ph.getLong(o + 48));
            } else {
                s = new Segment(i, Integer.toUnsignedLong(ph.getInt(o)), Integer.toUnsignedLong(ph.getInt(o + 24)),
                        Integer.toUnsignedLong(ph.getInt(o + 4)), Integer.toUnsignedLong(ph.getInt(o + 8)),
                        Integer.toUnsignedLong(ph.getInt(o + 12)), Integer.toUnsignedLong(ph.getInt(o + 16)),
                        Integer.toUnsignedLong(ph.getInt(o + 20)), Integer.toUnsignedLong(ph.getInt(o + 28)));
            }
            if (s.type() != Segment.PT_NULL && s.filesz() != 0
                    && (s.offset() < 0 || s.filesz() < 0 || s.offset() > size || s.filesz() > size - s.offset())) {
                throw new BadPackageException(Reason.OVERRUN, where, "ELF segment " + i + " (offset " + s.offset()
                        + ", " + s.filesz() + " bytes) runs past the end of the file (" + size + " bytes)");
            }
            segs.add(s);
        }
        return new ElfImage(is64 ? 64 : 32, data == 1, type, machine, entry, phoff, phentsize, ehsizeField, segs);
    }

    private static ByteBuffer read(FileChannel ch, long pos, int len, long size, String where, String what)
            throws IOException {
        if (pos + len > size) {
            throw new BadPackageException(Reason.TRUNCATED, where, "file ends inside the " + what);
        }
        ByteBuffer bb = ByteBuffer.allocate(len);
        while (bb.hasRemaining()) {
            if (ch.read(bb, pos + bb.position()) < 0) {
                throw new BadPackageException(Reason.TRUNCATED, where, "file ends inside the " + what);
            }
        }
        bb.flip();
        return bb;
    }
}
