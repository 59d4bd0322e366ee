package io.modemflash.qdl.firehose;

import io.modemflash.qdl.gpt.GptException;
import io.modemflash.qdl.gpt.GptTable;
import io.modemflash.qdl.ProtocolException;
import io.modemflash.qdl.Progress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the storage behind a programmer holds, LUN by LUN, as its GPTs say: partitions by
 * name, and every sector of a LUN accounted for (primary GPT, partitions, unallocated runs,
 * backup GPT; a LUN without a GPT is one region). Read through a {@link FirehoseSession}.
 */
public final class StorageLayout {

    public enum Kind { PRIMARY_GPT, PARTITION, UNALLOCATED, BACKUP_GPT, WHOLE_LUN }

    /** Sectors {@code first}..{@code first + sectors - 1} of {@code lun}. */
    public record Region(int lun, Kind kind, String name, long first, long sectors) {
        public long bytes(int sectorSize) {
            return sectors * sectorSize;
        }
    }

    /** One LUN: its size in sectors and its GPT, if it has one. */
    public record Lun(int lun, int sectorSize, long totalSectors, Optional<GptTable> gpt) {

        public List<GptTable.Partition> partitions() {
            return gpt.map(GptTable::partitions).orElse(List.of());
        }

        /** Every sector of the LUN exactly once, in disk order (overlapping partitions kept whole). */
        public List<Region> regions() {
            List<Region> out = new ArrayList<>();
            if (gpt.isEmpty()) {
                out.add(new Region(lun, Kind.WHOLE_LUN, "lun" + lun, 0, totalSectors));
                return out;
            }
            GptTable.Header h = gpt.get().header();
            out.add(new Region(lun, Kind.PRIMARY_GPT, "gpt_main" + lun, 0, h.firstUsableLba()));
            long at = h.firstUsableLba();
            List<GptTable.Partition> parts = new ArrayList<>(partitions());
            parts.sort(Comparator.comparingLong(GptTable.Partition::firstLba));
            for (GptTable.Partition p : parts) {
                if (p.sectors() <= 0) {
                    continue; // not sized yet (an unpatched table): its sectors are unallocated
                }
                if (p.firstLba() > at) {
                    out.add(new Region(lun, Kind.UNALLOCATED, "unallocated" + lun + "_" + at, at, p.firstLba() - at));
                }
                out.add(new Region(lun, Kind.PARTITION, p.name(), p.firstLba(), p.sectors()));
                at = Math.max(at, p.lastLba() + 1);
            }
            // the backup GPT is the primary without its MBR; an unpatched table has no last usable LBA yet
            long backup = h.lastUsableLba() >= h.firstUsableLba() ? h.lastUsableLba() + 1
                    : totalSectors - (h.firstUsableLba() - 1);
            backup = Math.max(at, Math.min(backup, totalSectors));
            if (backup > at) {
                out.add(new Region(lun, Kind.UNALLOCATED, "unallocated" + lun + "_" + at, at, backup - at));
                at = backup;
            }
            if (totalSectors > at) {
                out.add(new Region(lun, Kind.BACKUP_GPT, "gpt_backup" + lun, at, totalSectors - at));
            }
            return out;
        }
    }

    private StorageLayout() {
    }

    /** LUNs to look at: {@code num_physical} of getstorageinfo when the programmer reports it, else LUN 0. */
    public static List<Integer> luns(FirehoseSession fh) throws IOException {
        Long n = storageInfo(fh, 0).map(s -> s.number("num_physical")).orElse(null);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < (n == null || n < 1 || n > 64 ? 1 : n.intValue()); i++) {
            out.add(i);
        }
        return out;
    }

    /** Reads one LUN's size and GPT. */
    public static Lun read(FirehoseSession fh, int lun, int sectorSize) throws IOException {
        byte[] head = read(fh, lun, sectorSize, 0, 2);
        Optional<GptTable.Header> h = GptTable.header(head, sectorSize);
        Optional<GptTable> gpt = Optional.empty();
        if (h.isPresent()) {
            gpt = GptTable.parse(read(fh, lun, sectorSize, 0, h.get().sectorsThroughEntries(sectorSize)), sectorSize);
        }
        Long total = storageInfo(fh, lun).map(StorageInfo::totalBlocks).orElse(null);
        if (total == null) {
            if (gpt.isEmpty()) {
                throw new ProtocolException("LUN " + lun + " has no GPT and the programmer does not report its size "
                        + "(getstorageinfo)");
            }
            total = gpt.get().header().alternateLba() + 1;
        }
        if (gpt.isPresent()) {
            for (GptTable.Partition p : gpt.get().partitions()) {
                if (p.lastLba() >= total) {
                    throw new GptException("GPT of LUN " + lun + ": partition " + p.name() + " ends at LBA " + p.lastLba()
                            + ", beyond the LUN's " + total + " sectors");
                }
            }
        }
        return new Lun(lun, sectorSize, total, gpt);
    }

    /** The partition called {@code name} on the given LUNs: exactly one, else a clear error. */
    public static Region find(List<Lun> luns, String name) throws IOException {
        List<Region> hits = new ArrayList<>();
        List<String> known = new ArrayList<>();
        for (Lun l : luns) {
            for (GptTable.Partition p : l.partitions()) {
                known.add(p.name() + (luns.size() > 1 ? " (LUN " + l.lun() + ")" : ""));
                if (p.name().equals(name)) {
                    hits.add(new Region(l.lun(), Kind.PARTITION, p.name(), p.firstLba(), p.sectors()));
                }
            }
        }
        if (hits.isEmpty()) {
            throw new NoSuchPartitionException("no partition named '" + name + "' in the GPT of LUN"
                    + (luns.size() == 1 ? " " + luns.get(0).lun() : "s " + luns.stream().map(l -> "" + l.lun()).toList())
                    + (known.isEmpty() ? " (no partitions at all)" : "; there are: " + String.join(", ", known)));
        }
        if (hits.size() == 1 && hits.get(0).sectors() <= 0) {
            throw new NoSuchPartitionException("partition '" + name + "' has no size in the GPT of LUN " + hits.get(0).lun()
                    + " (its last LBA is before its first: a table whose patches were not applied)");
        }
        if (hits.size() > 1) {
            throw new NoSuchPartitionException("partition '" + name + "' is on several LUNs ("
                    + hits.stream().map(r -> "" + r.lun()).toList() + "): choose one with --lun");
        }
        return hits.get(0);
    }

    private static Optional<StorageInfo> storageInfo(FirehoseSession fh, int lun) throws IOException {
        if (!fh.supportedFunctions().isEmpty() && !fh.supportedFunctions().contains("getstorageinfo")) {
            return Optional.empty();
        }
        try {
            return Optional.of(fh.getStorageInfo(lun));
        } catch (FirehoseNakException e) {
            return Optional.empty();
        }
    }

    private static byte[] read(FirehoseSession fh, int lun, int sectorSize, long first, long sectors) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        fh.read(new FirehoseSession.Region(sectorSize, sectors, lun, Long.toString(first)), b, Progress.NONE);
        return b.toByteArray();
    }

    /** A file name for a region: its name with anything but letters, digits, '_', '-', '.' replaced, then ".bin". */
    public static String fileName(Region r) {
        String n = (r.name().isEmpty() ? "unnamed" + r.lun() + "_" + r.first() : r.name()).replaceAll("[^A-Za-z0-9_.-]", "_");
        return (n.startsWith(".") ? "_" + n : n) + ".bin";
    }
}
