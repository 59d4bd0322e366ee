package io.modemflash.qdl.gpt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A primary GUID partition table as a disk holds it (UEFI spec, chapter 5): the header at
 * LBA 1 ("EFI PART"), the entry array it points to. Decoding only; reading the sectors is
 * the caller's business ({@link #header} says how many to read).
 *
 * @param header     the primary header
 * @param partitions the used entries, in table order
 */
public record GptTable(Header header, List<Partition> partitions) {

    public GptTable {
        partitions = List.copyOf(partitions);
    }

    /**
     * The primary header's fields that place things on the disk.
     *
     * @param alternateLba the backup header's LBA (the disk's last sector when the GPT fits the disk)
     */
    public record Header(long currentLba, long alternateLba, long firstUsableLba, long lastUsableLba,
                         long entriesLba, int entryCount, int entrySize) {

        /** Sectors from LBA 0 to the end of the entry array: what to read to decode the table. */
        public long sectorsThroughEntries(int sectorSize) {
            return entriesLba + ((long) entryCount * entrySize + sectorSize - 1) / sectorSize;
        }
    }

    /**
     * One used entry: its name (UTF-16LE, up to 36 characters) and inclusive LBA range. A last
     * LBA before the first is kept as it is: tables are written before the patches that size
     * their last partition.
     */
    public record Partition(int index, String name, long firstLba, long lastLba) {
        public long sectors() {
            return lastLba - firstLba + 1;
        }
    }

    /** Sanity bounds: 128 entries of 128 bytes is the norm; larger tables exist, absurd ones do not. */
    private static final int MAX_ENTRIES = 4096;

    /**
     * The header in the second sector of {@code disk} (which starts at LBA 0), or empty when
     * there is none. A header with absurd geometry is an error, not an absence.
     */
    public static Optional<Header> header(byte[] disk, int sectorSize) throws GptException {
        if (disk.length < 2L * sectorSize
                || !new String(disk, sectorSize, 8, StandardCharsets.US_ASCII).equals("EFI PART")) {
            return Optional.empty();
        }
        ByteBuffer h = ByteBuffer.wrap(disk, sectorSize, sectorSize).order(ByteOrder.LITTLE_ENDIAN);
        int at = sectorSize;
        Header hd = new Header(h.getLong(at + 24), h.getLong(at + 32), h.getLong(at + 40), h.getLong(at + 48),
                h.getLong(at + 72), h.getInt(at + 80), h.getInt(at + 84));
        if (hd.entrySize() < 128 || hd.entrySize() % 8 != 0 || hd.entrySize() > sectorSize
                || hd.entryCount() < 0 || hd.entryCount() > MAX_ENTRIES) {
            throw new GptException("GPT header with " + hd.entryCount() + " entries of " + hd.entrySize() + " bytes");
        }
        // lastUsableLba is not checked: a table written before its patches says 0 there
        if (hd.entriesLba() < 2 || hd.firstUsableLba() < hd.sectorsThroughEntries(sectorSize)) {
            throw new GptException("GPT header places its entries at LBA " + hd.entriesLba() + " and usable space at "
                    + hd.firstUsableLba() + ".." + hd.lastUsableLba());
        }
        return Optional.of(hd);
    }

    /**
     * Decodes the table from {@code disk}, which starts at LBA 0 and holds at least
     * {@link Header#sectorsThroughEntries} sectors. Empty when sector 1 holds no GPT header.
     */
    public static Optional<GptTable> parse(byte[] disk, int sectorSize) throws GptException {
        Optional<Header> oh = header(disk, sectorSize);
        if (oh.isEmpty()) {
            return Optional.empty();
        }
        Header hd = oh.get();
        if (disk.length < hd.sectorsThroughEntries(sectorSize) * sectorSize) {
            throw new GptException("GPT entries end at sector " + hd.sectorsThroughEntries(sectorSize) + ", beyond the "
                    + disk.length / sectorSize + " sectors given");
        }
        List<Partition> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(disk).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < hd.entryCount(); i++) {
            int o = (int) (hd.entriesLba() * sectorSize + (long) i * hd.entrySize());
            boolean used = false;
            for (int k = 0; k < 16; k++) {
                used |= disk[o + k] != 0; // partition type GUID: all zero is an unused entry
            }
            if (!used) {
                continue;
            }
            String name = new String(disk, o + 56, 72, StandardCharsets.UTF_16LE);
            int nul = name.indexOf('\0');
            long first = b.getLong(o + 32);
            long last = b.getLong(o + 40);
            out.add(new Partition(i + 1, nul < 0 ? name : name.substring(0, nul), first, last));
        }
        return Optional.of(new GptTable(hd, out));
    }

    /** The partitions of this name (names are not unique by rule, only by custom). */
    public List<Partition> named(String name) {
        return partitions.stream().filter(p -> p.name().equals(name)).toList();
    }
}
