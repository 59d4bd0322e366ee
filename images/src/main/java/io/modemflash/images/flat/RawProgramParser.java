package io.modemflash.images.flat;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;
import io.modemflash.images.ImageType;
import io.modemflash.images.PackageImage;
import io.modemflash.images.archive.SafePaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads rawprogram*.xml ({@code <data>} of {@code <program>}/{@code <erase>}) and
 * patch*.xml ({@code <patches>} of {@code <patch>}). Tags and attributes are matched
 * case-insensitively, as programmers do.
 */
public final class RawProgramParser {
    /** 2^40 sectors: petabytes, more than any modem's storage; keeps byte arithmetic in a long. */
    static final long MAX_SECTORS = 1L << 40;
    /**
     * No modem has more flash than this (today's largest have tens of GiB): a program or erase
     * that reaches past it is refused at inspection, as the device would refuse it mid-update.
     */
    public static final long MAX_STORAGE_BYTES = 256L << 30;
    /** Physical partitions (LUNs) a Qualcomm storage has: UFS LUN 0-7, eMMC user/boot/GP 0-7. */
    static final int MAX_LUN = 7;

    /** Turns a resolved file into the package's image object (scanned once, shared). */
    @FunctionalInterface
    public interface ImageResolver {
        PackageImage image(Path file) throws IOException;
    }

    private RawProgramParser() {
    }

    /** Every filename a rawprogram file names (non-empty), for resolution before parsing. */
    public static List<String> filenames(SecureXml.Document doc) {
        List<String> out = new ArrayList<>();
        for (XmlElement e : doc.elements()) {
            String tag = e.tag().toLowerCase(Locale.ROOT);
            if (tag.equals("program")) {
                String f = attrs(e).getOrDefault("filename", "");
                if (!f.isBlank()) {
                    out.add(f.trim());
                }
            }
        }
        return out;
    }

    /**
     * Resolves a filename attribute: Windows separators accepted, relative to the XML's
     * folder, then to the package root. Climbing out of the package is refused.
     */
    public static Path resolve(Path root, Path xmlDir, String filename, String where) throws IOException {
        return resolve(root, xmlDir, List.of(), filename, where);
    }

    /**
     * As {@link #resolve(Path, Path, String, String)}, but the include directories are searched
     * first (qdl's {@code --include}): the filename inside each, then its last component.
     */
    public static Path resolve(Path root, Path xmlDir, List<Path> include, String filename, String where)
            throws IOException {
        for (Path inc : include) {
            String base = filename.trim().replace('\\', '/');
            for (String name : List.of(base, base.substring(base.lastIndexOf('/') + 1))) {
                Path q = SafePaths.resolveInside(inc, inc, name, where);
                if (Files.isRegularFile(q, LinkOption.NOFOLLOW_LINKS)) {
                    return SafePaths.requireRealInside(inc, q, where);
                }
            }
        }
        Path p = SafePaths.resolveInside(root, xmlDir, filename.trim(), where);
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return SafePaths.requireRealInside(root, p, where);
        }
        String base = filename.trim().replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        Path q = SafePaths.resolveInside(root, root, base, where);
        if (Files.isRegularFile(q, LinkOption.NOFOLLOW_LINKS)) {
            return SafePaths.requireRealInside(root, q, where);
        }
        throw new BadPackageException(Reason.MISSING_FILE, where, "names file '" + filename
                + "', which is not in the package");
    }

    public static List<FlatOp> rawprogram(SecureXml.Document doc, String where, Path root, Path xmlDir, ImageResolver images)
            throws IOException {
        return rawprogram(doc, where, root, xmlDir, List.of(), images);
    }

    /** As above, image files looked up in {@code include} first. */
    public static List<FlatOp> rawprogram(SecureXml.Document doc, String where, Path root, Path xmlDir, List<Path> include,
                                          ImageResolver images) throws IOException {
        List<FlatOp> ops = new ArrayList<>();
        int index = 0;
        for (XmlElement e : doc.elements()) {
            index++;
            String tag = e.tag().toLowerCase(Locale.ROOT);
            Map<String, String> a = attrs(e);
            String src = where + "#" + index;
            if (tag.equals("program")) {
                String filename = a.getOrDefault("filename", "").trim();
                if (filename.isEmpty()) {
                    continue; // partition described but nothing to write
                }
                int ss = sectorSize(a, src);
                int lun = lun(a, src);
                long offset = longAttr(a, "file_sector_offset", 0, src);
                if (offset < 0) {
                    throw new BadPackageException(Reason.XML_INVALID, src, "negative file_sector_offset");
                }
                boolean sparse = "true".equalsIgnoreCase(a.getOrDefault("sparse", "false").trim());
                SectorExpr start = new SectorExpr(required(a, "start_sector", src));
                PackageImage img = images.image(resolve(root, xmlDir, include, filename, src));
                if (sparse && img.type() != ImageType.ANDROID_SPARSE) {
                    throw new BadPackageException(Reason.BAD_HEADER, src, "'" + filename
                            + "' is marked sparse but is not an Android sparse image");
                }
                if (sparse) {
                    // what the download needs to place the chunks itself (FlatOp.Program.forEachSparseRun)
                    if (start.constant().isEmpty()) {
                        throw new BadPackageException(Reason.UNSUPPORTED, src, "sparse image '" + filename
                                + "' at the computed start sector " + start.text() + ": the host places each chunk, "
                                + "so its start_sector must be a number");
                    }
                    if (img.sparse().blockSize() % ss != 0) {
                        throw new BadPackageException(Reason.UNSUPPORTED, src, "sparse image '" + filename + "' has "
                                + img.sparse().blockSize() + "-byte blocks, not a multiple of SECTOR_SIZE_IN_BYTES " + ss);
                    }
                }
                long contentBytes = img.type() == ImageType.ANDROID_SPARSE && sparse
                        ? img.sparse().expandedSize() : img.size();
                if (offset > contentBytes / ss) {
                    throw new BadPackageException(Reason.OVERRUN, src, "file_sector_offset " + offset
                            + " is past the end of '" + filename + "'");
                }
                long num = longAttr(a, "num_partition_sectors", -1, src);
                if (num < 0 && a.containsKey("size_in_kb")) {
                    try {
                        num = (long) (Double.parseDouble(a.get("size_in_kb").trim()) * 1024) / ss;
                    } catch (NumberFormatException ex) {
                        throw new BadPackageException(Reason.XML_INVALID, src, "size_in_KB is not a number");
                    }
                }
                if (num <= 0) {
                    num = ceilDiv(contentBytes - offset * ss, ss); // "0" = sized from the file
                }
                if (num > MAX_SECTORS) {
                    throw new BadPackageException(Reason.XML_INVALID, src, "num_partition_sectors " + num
                            + " is beyond any storage");
                }
                withinStorage(start, num, ss, src);
                ops.add(new FlatOp.Program(lun, ss, start, num, offset, filename, img, sparse,
                        a.get("label"), src, originals(e)));
            } else if (tag.equals("erase")) {
                int ss = sectorSize(a, src);
                int lun = lun(a, src);
                String startText = a.getOrDefault("start_sector", "0");
                long num = longAttr(a, "num_partition_sectors", -1, src);
                if (num > MAX_SECTORS) {
                    throw new BadPackageException(Reason.XML_INVALID, src, "num_partition_sectors " + num
                            + " is beyond any storage");
                }
                withinStorage(new SectorExpr(startText), Math.max(0, num), ss, src);
                ops.add(new FlatOp.Erase(lun, ss, new SectorExpr(startText), num, a.get("label"), src, originals(e)));
            }
        }
        return ops;
    }

    public static List<FlatOp> patches(SecureXml.Document doc, String where) throws IOException {
        List<FlatOp> ops = new ArrayList<>();
        int index = 0;
        for (XmlElement e : doc.elements()) {
            index++;
            if (!e.tag().equalsIgnoreCase("patch")) {
                continue;
            }
            Map<String, String> a = attrs(e);
            String src = where + "#" + index;
            String filename = a.getOrDefault("filename", "").trim();
            if (filename.isEmpty()) {
                continue;
            }
            if (longAttr(a, "byte_offset", 0, src) < 0) {
                throw new BadPackageException(Reason.XML_INVALID, src, "negative byte_offset");
            }
            int size = intAttr(a, "size_in_bytes", -1, src);
            if (size < 1 || size > 8) {
                throw new BadPackageException(Reason.XML_INVALID, src, "patch size_in_bytes " + size + " (must be 1-8)");
            }
            ops.add(new FlatOp.Patch(lun(a, src),
                    sectorSize(a, src),
                    new SectorExpr(required(a, "start_sector", src)),
                    longAttr(a, "byte_offset", 0, src), size,
                    new SectorExpr(required(a, "value", src)), filename, a.get("what"), src, originals(e)));
        }
        return ops;
    }

    /**
     * Storage sectors are 512 (eMMC), 4096 (UFS, NAND) or in between; a programmer's payload
     * (8 KiB on NAND) must hold whole sectors, so 65536 fails mid-download: refused here.
     */
    private static int sectorSize(Map<String, String> a, String where) throws BadPackageException {
        int ss = intAttr(a, "sector_size_in_bytes", 512, where);
        if (ss < 512 || ss > 4096 || Integer.bitCount(ss) != 1) {
            throw new BadPackageException(Reason.XML_INVALID, where, "SECTOR_SIZE_IN_BYTES " + ss
                    + " is not a storage sector size (512, 1024, 2048 or 4096)");
        }
        return ss;
    }

    /** physical_partition_number: a LUN the device has (devices NAK -1 and the like mid-download). */
    private static int lun(Map<String, String> a, String where) throws BadPackageException {
        int lun = intAttr(a, "physical_partition_number", 0, where);
        if (lun < 0 || lun > MAX_LUN) {
            throw new BadPackageException(Reason.XML_INVALID, where, "physical_partition_number " + lun
                    + " is not a LUN (0-" + MAX_LUN + ")");
        }
        return lun;
    }

    /** A range that ends past any modem's flash is refused (when its start is a number). */
    private static void withinStorage(SectorExpr start, long num, int ss, String where) throws BadPackageException {
        long first = start.constant().orElse(0);
        if (first < -1) {
            throw new BadPackageException(Reason.XML_INVALID, where, "start_sector " + start.text() + " is negative");
        }
        long end = Math.max(0, first) + num;
        if (end > MAX_STORAGE_BYTES / ss) {
            throw new BadPackageException(Reason.OVERRUN, where, "sectors up to " + end + " of " + ss + " bytes reach past "
                    + (MAX_STORAGE_BYTES >> 30) + " GiB, more than any modem's storage");
        }
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }

    private static Map<String, String> attrs(XmlElement e) {
        Map<String, String> m = new LinkedHashMap<>();
        e.attributes().forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
        return m;
    }

    private static Map<String, String> originals(XmlElement e) {
        return e.attributes();
    }

    private static String required(Map<String, String> a, String key, String where) throws BadPackageException {
        String v = a.get(key);
        if (v == null || v.isBlank()) {
            throw new BadPackageException(Reason.XML_INVALID, where, "missing attribute " + key);
        }
        return v.trim();
    }

    private static long longAttr(Map<String, String> a, String key, long dflt, String where) throws BadPackageException {
        String v = a.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        String t = v.trim();
        if (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            return t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new BadPackageException(Reason.XML_INVALID, where, key + "=\"" + v + "\" is not a number");
        }
    }

    private static int intAttr(Map<String, String> a, String key, int dflt, String where) throws BadPackageException {
        long v = longAttr(a, key, dflt, where);
        if (v < -1 || v > Integer.MAX_VALUE) {
            throw new BadPackageException(Reason.XML_INVALID, where, key + " " + v + " is out of range");
        }
        return (int) v;
    }
}
