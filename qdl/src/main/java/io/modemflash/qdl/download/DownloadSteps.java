package io.modemflash.qdl.download;

import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.ImageType;
import io.modemflash.images.PackageImage;
import io.modemflash.images.flat.FlatBuild;
import io.modemflash.images.flat.FlatOp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a {@link Downloader} would send for a package, in order, without a device (the plan
 * of `update --dry-run`). The device can still change details: a programmer already running
 * skips the Sahara upload, a refused configure moves on to the next MemoryName, NAND storage
 * gets its SBL erased first and programmed last.
 */
public final class DownloadSteps {
    private DownloadSteps() {
    }

    /**
     * @param download what the download sends, in order
     * @param reset    how the device is then reset, or null (no reset)
     */
    public record Steps(List<String> download, String reset) {
        public Steps {
            download = List.copyOf(download);
        }
    }

    public static Steps of(FirmwarePackage pkg, DownloadOptions options) {
        if (pkg.protocol() == null) {
            return new Steps(List.of(), null);
        }
        List<String> out = new ArrayList<>();
        String reset = switch (pkg.protocol()) {
            case SIERRA_QDL -> sierraQdl(pkg, options, out);
            case GOBI_QDL -> gobi(pkg, out);
            case SIERRA_FIREHOSE -> sierraFirehose(pkg, options, out);
            case QUALCOMM_EDL -> edl(pkg, options, out);
        };
        return new Steps(out, options.reset() ? reset : null);
    }

    private static String sierraQdl(FirmwarePackage pkg, DownloadOptions options, List<String> out) {
        out.add("QDL DLOAD SDP, then Hello (version " + versions(options.qdl().helloVersions()) + ")");
        for (PackageImage img : pkg.images()) {
            out.add(skipped(img, options) ? skip(img)
                    : "QDL Open-unframed, Write-unframed, Close-unframed: " + img.name() + " (" + img.size() + " bytes)");
        }
        return "QDL Reset";
    }

    private static String gobi(FirmwarePackage pkg, List<String> out) {
        out.add("QDL Hello (version 5 or 4)");
        for (PackageImage img : pkg.images()) {
            String as = img.type() == ImageType.GOBI_AMSS ? "amss" : img.type() == ImageType.GOBI_APPS ? "apps"
                    : img.type() == ImageType.GOBI_UQCN ? "uqcn" : null;
            if (as != null) {
                out.add("QDL Open-unframed, Write-unframed, Close-unframed: " + img.name() + " as " + as + " ("
                        + img.size() + " bytes" + (as.equals("amss") ? ", less its last 8" : "") + ")");
            }
        }
        return "QDL Reset";
    }

    private static String sierraFirehose(FirmwarePackage pkg, DownloadOptions options, List<String> out) {
        out.add("Sahara: wait for the HELLO, EXECUTE 0xFF00 (switch to the built-in Firehose)");
        out.add("Firehose NOP ping, configure nand, getstorageinfo");
        for (PackageImage img : pkg.images()) {
            out.add(skipped(img, options) ? skip(img)
                    : "Firehose program " + img.name() + " (the whole CWE file, " + img.size() + " bytes)");
        }
        return "Firehose power reset";
    }

    private static String edl(FirmwarePackage pkg, DownloadOptions options, List<String> out) {
        FlatBuild fb = pkg.flatBuild().orElse(null);
        if (fb == null) {
            return null; // the download refuses it
        }
        out.add("Sahara: upload the programmer " + fb.programmer().name() + " (" + fb.programmer().size() + " bytes)");
        out.add("Firehose configure " + String.join(", else ", Downloader.memoryNames(options, fb)));
        int patches = 0;
        for (FlatOp op : fb.operations()) {
            if (op instanceof FlatOp.Program p) {
                out.add("Firehose program " + p.filename() + " to " + at(p.label(), p,
                        p.sparse() ? "its RAW and FILL runs" : p.sectorsToWrite() + " sectors"));
            } else if (op instanceof FlatOp.Erase e) {
                out.add("Firehose erase " + at(e.label(), e, e.numSectors() < 0 ? null : e.numSectors() + " sectors"));
            } else if (op instanceof FlatOp.Patch p && p.toDevice()) {
                patches++;
            }
        }
        if (patches > 0) {
            out.add("Firehose patch x" + patches + " (DISK)");
        }
        if (options.verifyDigests()) {
            // the Downloader checks each program right after it, before the patches
            out.add("after each program: Firehose getsha256digest of its sectors, compared with the package's bytes");
        }
        if (fb.bootableLun() >= 0) {
            out.add("Firehose setbootablestoragedrive " + fb.bootableLun());
        }
        return "Firehose power reset";
    }

    /** "sbl1 (LUN 0, sector 6, 12 sectors)"; size null: the whole LUN. */
    private static String at(String label, FlatOp op, String size) {
        return (label == null || label.isEmpty() ? "" : label + " ") + "(LUN " + op.lun() + ", "
                + (size == null ? "whole LUN" : "sector " + op.startSector().text() + ", " + size) + ")";
    }

    private static boolean skipped(PackageImage img, DownloadOptions options) {
        return options.skipImages().contains(img.name());
    }

    private static String skip(PackageImage img) {
        return "skip " + img.name() + " (already on the device)";
    }

    private static String versions(int[] v) {
        String all = Arrays.stream(v).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return last < 0 ? all : all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
