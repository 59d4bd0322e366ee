package io.modemflash.images.flat;

import io.modemflash.images.PackageImage;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A Qualcomm flat build ready for Firehose: the programmer Sahara uploads, and the
 * operations in the order they must be sent (programs/erases in file order, then patches).
 *
 * @param programmer      the Firehose programmer (ELF)
 * @param rawprogramFiles package names of the rawprogram XML files, in the order used
 * @param patchFiles      package names of the patch XML files, in the order used
 * @param operations      every operation, ordered
 */
public record FlatBuild(PackageImage programmer, List<String> rawprogramFiles, List<String> patchFiles,
                        List<FlatOp> operations) {

    public FlatBuild {
        rawprogramFiles = List.copyOf(rawprogramFiles);
        patchFiles = List.copyOf(patchFiles);
        operations = List.copyOf(operations);
    }

    public List<FlatOp.Program> programs() {
        return operations.stream().filter(FlatOp.Program.class::isInstance).map(FlatOp.Program.class::cast).toList();
    }

    public List<FlatOp.Erase> erases() {
        return operations.stream().filter(FlatOp.Erase.class::isInstance).map(FlatOp.Erase.class::cast).toList();
    }

    public List<FlatOp.Patch> patches() {
        return operations.stream().filter(FlatOp.Patch.class::isInstance).map(FlatOp.Patch.class::cast).toList();
    }

    /**
     * The order for NAND modems (PROTOCOLS.md section 5): erase the partition at sector 0
     * (the SBL) first and program it last, after every other program and erase and before
     * the patches, so an interrupted update falls back to EDL instead of bricking. Without a
     * program at sector 0 this is {@link #operations()}.
     */
    public List<FlatOp> operationsForNand() {
        FlatOp.Program sbl = null;
        for (FlatOp.Program p : programs()) {
            if (p.startSector().constant().orElse(-1) == 0) {
                sbl = p;
                break;
            }
        }
        if (sbl == null) {
            return operations;
        }
        List<FlatOp> out = new java.util.ArrayList<>();
        out.add(new FlatOp.Erase(sbl.lun(), sbl.sectorSize(), sbl.startSector(), sbl.numSectors(), sbl.label(),
                sbl.source(), java.util.Map.of()));
        for (FlatOp op : operations) {
            if (op != sbl && !(op instanceof FlatOp.Patch)) {
                out.add(op);
            }
        }
        out.add(sbl);
        for (FlatOp op : operations) {
            if (op instanceof FlatOp.Patch) {
                out.add(op);
            }
        }
        return List.copyOf(out);
    }

    /** The physical partitions (LUNs) touched. */
    public SortedSet<Integer> luns() {
        SortedSet<Integer> s = new TreeSet<>();
        operations.forEach(o -> s.add(o.lun()));
        return s;
    }

    /**
     * The LUN to pass to {@code <setbootablestoragedrive>}: the one holding xbl/sbl1,
     * or -1 when no program names one.
     */
    public int bootableLun() {
        for (FlatOp.Program p : programs()) {
            String l = p.label() == null ? "" : p.label().toLowerCase(java.util.Locale.ROOT);
            if (l.equals("xbl") || l.startsWith("sbl1") || l.equals("sbl")) {
                return p.lun();
            }
        }
        return -1;
    }
}
