package io.modemflash.images;

import io.modemflash.images.archive.FileTrees;
import io.modemflash.images.BadPackageException.Reason;
import io.modemflash.images.archive.ArchiveExtractor;
import io.modemflash.images.cwe.CweHeader;
import io.modemflash.images.cwe.CweImage;
import io.modemflash.images.cwe.CweParser;
import io.modemflash.images.cwe.CweVersions;
import io.modemflash.images.elf.ElfImage;
import io.modemflash.images.flat.FlatBuild;
import io.modemflash.images.flat.FlatOp;
import io.modemflash.images.flat.RawProgramParser;
import io.modemflash.images.flat.SecureXml;
import io.modemflash.images.sparse.SparseImage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A firmware package opened, validated and ready to flash: a single image file, a
 * directory, or an archive (zip, tar, tar.gz/tgz, tar.xz, 7z) extracted to a private
 * temporary directory that {@link #close()} removes. Opening reads every image once
 * (SHA-256, CWE CRCs, version markers) and refuses a package that is not flashable with
 * a {@link BadPackageException}; warnings are in {@link #problems()}.
 */
public final class FirmwarePackage implements AutoCloseable {
    private static final Pattern CWE_NAME = Pattern.compile(".*\\.(cwe|nvu|spk)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern RAWPROGRAM = Pattern.compile("rawprogram(\\d*)\\.xml", Pattern.CASE_INSENSITIVE);
    private static final Pattern RAWPROGRAM_ANY = Pattern.compile("rawprogram.*\\.xml", Pattern.CASE_INSENSITIVE);
    private static final Pattern PATCH = Pattern.compile("patch(\\d*)\\.xml", Pattern.CASE_INSENSITIVE);
    private static final Pattern PROGRAMMER = Pattern.compile("prog_.*\\.(mbn|elf|melf)", Pattern.CASE_INSENSITIVE);
    /** Programmers not named prog_*: newer UFS builds ship xbl_s_devprg_ns.melf, some vendors *firehose*.mbn. */
    private static final Pattern PROGRAMMER_OTHER = Pattern.compile(".*(devprg|firehose).*\\.(mbn|elf|melf)",
            Pattern.CASE_INSENSITIVE);
    private static final List<String> GOBI_NAMES = List.of("amss.mbn", "apps.mbn", "uqcn.mbn");
    private static final int MAX_DEPTH = 16;

    private final Path source;
    private final Path root;
    private final Path tempDir;
    private final List<Problem> problems = new ArrayList<>();
    private final List<PackageImage> images = new ArrayList<>();
    private final Map<Path, PackageImage> byPath = new HashMap<>();
    /** CRC-32 of each file extracted from an archive, as the archive vouched for it. */
    private final Map<Path, Long> archiveCrcs = new HashMap<>();
    private final Limits limits;
    private final boolean versionsMustAgree;
    private PackageKind kind;
    private Protocol protocol;
    private String product;
    private Versions versions = Versions.NONE;
    private FlatBuild flat;
    /** Loose files (openFiles): the programmer given, image directories searched first, the order given kept. */
    private Path givenProgrammer;
    private List<Path> include = List.of();
    private boolean givenOrder;

    private FirmwarePackage(Path source, Path root, Path tempDir, Limits limits, boolean versionsMustAgree) {
        this.source = source;
        this.root = root;
        this.tempDir = tempDir;
        this.limits = limits;
        this.versionsMustAgree = versionsMustAgree;
    }

    /** Opens with the default rule that all images of a package must agree on their versions. */
    public static FirmwarePackage open(Path source, Limits limits) throws IOException {
        return open(source, limits, true);
    }

    /**
     * Opens and validates a package. With {@code versionsMustAgree} false, images that
     * disagree on firmware/config/carrier give a warning instead of an error (the user
     * then names the versions to expect).
     */
    public static FirmwarePackage open(Path source, Limits limits, boolean versionsMustAgree) throws IOException {
        if (!Files.exists(source)) {
            throw new BadPackageException(Reason.NOT_FOUND, source.toString(), "no such file or directory");
        }
        if (!Files.isDirectory(source) && !Files.isRegularFile(source)) {
            throw new BadPackageException(Reason.UNSUPPORTED, source.toString(), "not a regular file or directory");
        }
        Path temp = null;
        Path root;
        List<Path> files;
        try {
            if (Files.isDirectory(source)) {
                root = source;
                files = null;
            } else {
                // an image's first bytes are arbitrary: trust an image extension over archive magic
                boolean image = CWE_NAME.matcher(source.getFileName().toString()).matches()
                        || source.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mbn");
                Optional<ArchiveExtractor.Format> format = image ? Optional.empty() : ArchiveExtractor.detect(source);
                if (format.isPresent()) {
                    temp = privateTempDir();
                    root = temp;
                    files = null;
                    ArchiveExtractor.Result extracted = ArchiveExtractor.extract(source, format.get(), temp, limits);
                    int links = extracted.skippedLinks();
                    FirmwarePackage p = new FirmwarePackage(source, root, temp, limits, versionsMustAgree);
                    p.archiveCrcs.putAll(extracted.crcs());
                    if (links > 0) {
                        p.problems.add(Problem.warning(Reason.UNSUPPORTED, source.getFileName().toString(),
                                links + " link entr" + (links == 1 ? "y" : "ies") + " inside the archive ignored"));
                    }
                    p.load(null);
                    return p;
                }
                if (source.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml")) {
                    // rawprogram0.xml alone: the flat build is the folder it is in (its programmer, images, patches)
                    return open(source.toAbsolutePath().getParent(), limits, versionsMustAgree);
                }
                root = source.toAbsolutePath().getParent();
                files = List.of(source.toAbsolutePath());
            }
            FirmwarePackage p = new FirmwarePackage(source, root, temp, limits, versionsMustAgree);
            p.load(files);
            return p;
        } catch (Throwable e) {
            // whatever ends the opening (a refusal, a bug, even OutOfMemoryError) takes the directory with it
            try {
                FileTrees.delete(temp);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            if (e instanceof IOException io && !(e instanceof BadPackageException)) {
                // reading the package failed (permissions, an I/O error, a file removed meanwhile)
                throw new BadPackageException(Reason.UNREADABLE, source.toString(), "cannot read it: "
                        + (io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage().replace('\n', ' '))
                        + (io instanceof java.nio.file.AccessDeniedException ? " (permission denied)" : ""), io);
            }
            throw e;
        }
    }

    /**
     * Opens loose files as one package, as the peer tools take them: a programmer followed by
     * rawprogram and patch XML files in any order and under any name (linux-msm qdl's
     * {@code prog.elf rawprogram0.xml patch0.xml}; an XML's root element, {@code <data>} or
     * {@code <patches>}, says which it is), image files looked up in {@code include} first, then
     * beside the XML; or several .cwe/.nvu/.spk files (qmi-firmware-update's
     * {@code a.cwe b.nvu}), written in the order given. One path without includes is
     * {@link #open(Path, Limits, boolean)}.
     */
    public static FirmwarePackage openFiles(List<Path> paths, List<Path> include, Limits limits,
                                            boolean versionsMustAgree) throws IOException {
        if (paths.isEmpty()) {
            throw new BadPackageException(Reason.NOT_FOUND, "", "no package given");
        }
        if (paths.size() == 1 && include.isEmpty()) {
            return open(paths.get(0), limits, versionsMustAgree);
        }
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.isRegularFile(p)) {
                throw new BadPackageException(Files.exists(p) ? Reason.UNSUPPORTED : Reason.NOT_FOUND, p.toString(),
                        Files.exists(p) ? "a package given as several files takes files only, not a directory"
                                : "no such file");
            }
            files.add(p.toAbsolutePath().normalize());
        }
        for (Path d : include) {
            if (!Files.isDirectory(d)) {
                throw new BadPackageException(Reason.NOT_FOUND, d.toString(), "--include: no such directory");
            }
        }
        List<Path> xml = files.stream().filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml"))
                .toList();
        Path first = xml.isEmpty() ? files.get(0) : xml.get(0);
        FirmwarePackage p = new FirmwarePackage(first, first.getParent(), null, limits, versionsMustAgree);
        p.givenOrder = true;
        p.include = include.stream().map(d -> d.toAbsolutePath().normalize()).toList();
        if (!xml.isEmpty()) {
            List<Path> others = files.stream().filter(f -> !xml.contains(f)).toList();
            if (others.size() != 1) {
                throw new BadPackageException(Reason.INCOMPLETE, first.getFileName().toString(), "a flat build given as "
                        + "files takes one programmer and its XML files (qdl's order: PROG RAWPROGRAM... PATCH...), got "
                        + others.size() + " other files");
            }
            p.givenProgrammer = others.get(0);
        }
        p.load(files);
        return p;
    }

    /** Under java.io.tmpdir as it is now (the JDK's own default is read once, at its first use). */
    private static Path privateTempDir() throws IOException {
        Path parent = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            return Files.createTempDirectory(parent, "modemflash-pkg-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempDirectory(parent, "modemflash-pkg-");
        }
    }

    // ------------------------------------------------------------------ loading

    private void load(List<Path> given) throws IOException {
        List<Path> files = given != null ? given : listFiles();
        List<Path> cwe = new ArrayList<>();
        List<Path> raw = new ArrayList<>();
        List<Path> gobi = new ArrayList<>();
        for (Path f : files) {
            String n = f.getFileName().toString();
            if (CWE_NAME.matcher(n).matches()) {
                cwe.add(f);
            } else if (RAWPROGRAM_ANY.matcher(n).matches()) {
                raw.add(f);
            } else if (GOBI_NAMES.contains(n.toLowerCase(Locale.ROOT))) {
                gobi.add(f);
            }
        }
        int kinds = (cwe.isEmpty() ? 0 : 1) + (raw.isEmpty() ? 0 : 1) + (gobi.isEmpty() ? 0 : 1);
        if (givenProgrammer != null) {
            kinds = 1; // loose flat-build files: XMLs under any name, classified by their root element
            cwe.clear();
            gobi.clear();
            raw.add(givenProgrammer);
        }
        if (kinds == 0) {
            throw new BadPackageException(Reason.UNKNOWN_KIND, source.getFileName().toString(), "not a firmware "
                    + "package: no .cwe/.nvu/.spk file, no rawprogram*.xml and no Gobi amss/apps/uqcn.mbn found");
        }
        if (kinds > 1) {
            throw new BadPackageException(Reason.UNKNOWN_KIND, source.getFileName().toString(), "mixes package kinds "
                    + "(Sierra CWE, Qualcomm flat build, Gobi): refusing to guess which to flash");
        }
        if (!cwe.isEmpty()) {
            loadCwe(cwe);
        } else if (!raw.isEmpty()) {
            loadFlat(files, raw);
        } else {
            loadGobi(gobi);
        }
        List<Problem> errors = problems.stream().filter(Problem::isError).toList();
        if (!errors.isEmpty()) {
            Problem first = errors.get(0);
            String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more problem"
                    + (errors.size() > 2 ? "s" : "") + ")" : "";
            throw new BadPackageException(first.reason(), first.where(), first.message() + more,
                    List.copyOf(problems), null);
        }
    }

    private List<Path> listFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(root, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        if (attrs.isRegularFile()) {
                            if (out.size() >= limits.maxEntries()) {
                                throw new BadPackageException(Reason.TOO_MANY_ENTRIES, source.getFileName().toString(),
                                        "more than " + limits.maxEntries() + " files");
                            }
                            out.add(file);
                        } else if (attrs.isSymbolicLink()) {
                            problems.add(Problem.warning(Reason.LINK_OUTSIDE, name(file), "symbolic link ignored"));
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
        out.sort(Comparator.comparing(p -> root.relativize(p).toString()));
        return out;
    }

    String name(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path r = root.toAbsolutePath().normalize();
        return (abs.startsWith(r) ? r.relativize(abs) : abs.getFileName()).toString().replace('\\', '/');
    }

    /**
     * Reads a file once for inspection. A file extracted from an archive must still be what
     * the archive vouched for (its CRC-32 checked during extraction).
     */
    private ImageScanner.Result scan(Path file, List<ImageScanner.CrcRange> ranges) throws IOException {
        Long vouched = archiveCrcs.get(file);
        ImageScanner.Result r = ImageScanner.scan(file, ranges, vouched != null);
        if (vouched != null && vouched != r.crc32()) {
            throw new BadPackageException(Reason.CRC_MISMATCH, name(file), String.format("CRC-32 is %08X, but was %08X "
                    + "when extracted: the file changed in the temporary directory", r.crc32(), vouched));
        }
        return r;
    }

    /** Who vouched for the bytes inspection read: the archive's CRC-32 (zip, 7z), else inspection alone. */
    private String crcSource(Path file) {
        String n = source.getFileName().toString().toLowerCase(Locale.ROOT);
        if (archiveCrcs.containsKey(file) && (n.endsWith(".zip") || n.endsWith(".7z"))) {
            return "the " + n.substring(n.lastIndexOf('.') + 1);
        }
        return "inspection";
    }

    private byte[] head(Path file, int n) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }

    // ------------------------------------------------------------------ Sierra CWE

    private void loadCwe(List<Path> files) throws IOException {
        kind = PackageKind.SIERRA_CWE;
        List<Path> ordered = new ArrayList<>(files);
        // firmware images first, then the carrier/config (.nvu) files that go with them (unless the user gave the order)
        if (!givenOrder) ordered.sort(Comparator.comparing((Path p) -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".nvu"))
                .thenComparing(p -> name(p)));
        Map<String, String> fwBy = new LinkedHashMap<>();
        Map<String, String> cfgBy = new LinkedHashMap<>();
        Map<String, String> carrierBy = new LinkedHashMap<>();
        Map<String, String> productBy = new LinkedHashMap<>();
        for (Path f : ordered) {
            String where = name(f);
            CweImage tree;
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                tree = CweParser.parse(ch, where, limits);
            } catch (BadPackageException e) {
                problems.add(Problem.of(e));
                continue;
            }
            List<CweImage> nodes = tree.flatten();
            List<ImageScanner.CrcRange> ranges = new ArrayList<>();
            List<CweImage> checked = new ArrayList<>();
            for (CweImage n : nodes) {
                if (n.header().crcsValid()) {
                    ranges.add(new ImageScanner.CrcRange(n.offset(), n.offset() + CweHeader.PSB_SIZE));
                    ranges.add(new ImageScanner.CrcRange(n.dataOffset(), n.end()));
                    checked.add(n);
                }
            }
            ImageScanner.Result scan = scan(f, ranges);
            // deepest first: the innermost image that changed is the one to name
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < checked.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingInt((Integer i) -> -checked.get(i).depth()));
            for (int i : order) {
                CweImage n = checked.get(i);
                long hdr = scan.crcs().get(2 * i);
                long img = scan.crcs().get(2 * i + 1);
                if (hdr != n.header().headerCrc()) {
                    problems.add(Problem.error(Reason.CRC_MISMATCH, where, String.format("%s header at offset %d: "
                            + "CRC32 of the header area is %08X, header says %08X (corrupt)", path(tree, n), n.offset(),
                            hdr, n.header().headerCrc())));
                }
                if (img != n.header().imageCrc()) {
                    problems.add(Problem.error(Reason.CRC_MISMATCH, where, String.format("%s image at offset %d: CRC32 "
                            + "is %08X, header says %08X (corrupt)", path(tree, n), n.dataOffset(), img,
                            n.header().imageCrc())));
                }
            }
            if (!tree.header().crcsValid()) {
                problems.add(Problem.warning(Reason.UNSUPPORTED, where, "CWE header does not mark its CRCs valid; "
                        + "integrity not checked"));
            }
            PackageImage pi = new PackageImage(where, f, ImageType.CWE, scan, scan.qcVersion(), crcSource(f),
                    tree, null, null);
            images.add(pi);
            byPath.put(f, pi);
            productBy.put(where, tree.header().product());
            Versions v = cweVersions(tree, f.getFileName().toString());
            if (v.firmware() != null) {
                fwBy.put(where, v.firmware());
            }
            if (v.config() != null) {
                cfgBy.put(where, v.config());
            }
            if (v.carrier() != null) {
                carrierBy.put(where, v.carrier());
            }
        }
        if (images.isEmpty()) {
            return;
        }
        product = agree("product", productBy, true);
        if (product != null) {
            Optional<Protocol> p = ProductProtocols.forProduct(product);
            if (p.isPresent()) {
                protocol = p.get();
            } else {
                problems.add(Problem.error(Reason.UNSUPPORTED, images.get(0).name(), "product '" + product
                        + "' has no known download protocol (known: 9X15, 9X30, 9X50, SDX55...)"));
            }
        }
        versions = new Versions(agree("firmware version", fwBy, versionsMustAgree),
                agree("config version", cfgBy, versionsMustAgree), agree("carrier", carrierBy, versionsMustAgree));
        if (versions.firmware() == null) {
            problems.add(Problem.warning(Reason.INCOMPLETE, null, "no firmware version found in any CWE header or "
                    + "file name; pass it explicitly to verify the update"));
        }
    }

    private static String path(CweImage top, CweImage node) {
        List<String> parts = new ArrayList<>();
        if (!find(top, node, parts)) {
            return node.type();
        }
        return String.join("/", parts);
    }

    private static boolean find(CweImage at, CweImage target, List<String> parts) {
        parts.add(at.type());
        if (at == target) {
            return true;
        }
        for (CweImage c : at.children()) {
            if (find(c, target, parts)) {
                return true;
            }
        }
        parts.remove(parts.size() - 1);
        return false;
    }

    /**
     * Versions of one CWE file from its sources in order: top header version, file name,
     * embedded BOOT headers (firmware only), embedded NVUP headers.
     */
    public static Versions cweVersions(CweImage tree, String fileName) {
        Versions v = CweVersions.parse(tree.header().version());
        v = v.orElse(CweVersions.parse(stripExtension(fileName)));
        for (CweImage n : tree.flatten()) {
            if (n != tree && n.type().equals("BOOT")) {
                v = v.orElse(CweVersions.firmwareOnly(n.header().version()));
            }
        }
        for (CweImage n : tree.flatten()) {
            if (n != tree && n.type().equals("NVUP")) {
                v = v.orElse(CweVersions.parse(n.header().version()));
            }
        }
        return v;
    }

    private static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The single value all images give; a disagreement is a problem. */
    private String agree(String what, Map<String, String> values, boolean strict) {
        if (values.isEmpty()) {
            return null;
        }
        var it = values.entrySet().iterator();
        var first = it.next();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().equals(first.getValue())) {
                String m = what + " '" + e.getValue() + "' disagrees with '" + first.getValue() + "' of "
                        + first.getKey();
                problems.add(strict ? Problem.error(Reason.VERSION_MISMATCH, e.getKey(), m)
                        : Problem.warning(Reason.VERSION_MISMATCH, e.getKey(), m));
            }
        }
        return first.getValue();
    }

    // ------------------------------------------------------------------ Qualcomm flat build

    private void loadFlat(List<Path> files, List<Path> rawAll) throws IOException {
        kind = PackageKind.QUALCOMM_FLAT;
        protocol = Protocol.QUALCOMM_EDL;
        if (givenProgrammer != null) {
            loadFlat(givenProgrammer, files.stream().filter(f -> !f.equals(givenProgrammer)).toList());
            return;
        }
        List<Path> raw = new ArrayList<>(rawAll.stream()
                .filter(p -> RAWPROGRAM.matcher(p.getFileName().toString()).matches()).toList());
        if (raw.isEmpty()) {
            raw.addAll(rawAll); // only variants such as rawprogram_unsparse0.xml: use them
        } else {
            for (Path p : rawAll) {
                if (!raw.contains(p)) {
                    problems.add(Problem.warning(Reason.UNSUPPORTED, name(p), "ignored: " + raw.size()
                            + " rawprogramN.xml file(s) take precedence"));
                }
            }
        }
        raw.sort(numbered(RAWPROGRAM));
        List<Path> patch = new ArrayList<>(files.stream()
                .filter(p -> PATCH.matcher(p.getFileName().toString()).matches()).toList());
        patch.sort(numbered(PATCH));
        loadFlat(files, raw, patch);
    }

    /** Loose files: the programmer as given, each XML a rawprogram or patch file by its root element, in the order given. */
    private void loadFlat(Path programmerFile, List<Path> xml) throws IOException {
        List<Path> raw = new ArrayList<>();
        List<Path> patch = new ArrayList<>();
        for (Path x : xml) {
            String tag = SecureXml.parse(x, name(x)).root().toLowerCase(Locale.ROOT);
            switch (tag) {
                case "data" -> raw.add(x);
                case "patches" -> patch.add(x);
                default -> throw new BadPackageException(Reason.XML_INVALID, name(x), "root element <" + tag
                        + "> is neither <data> (rawprogram) nor <patches> (patch)");
            }
        }
        if (raw.isEmpty()) {
            throw new BadPackageException(Reason.INCOMPLETE, name(xml.get(0)), "no rawprogram XML (root element <data>) "
                    + "among the files given");
        }
        List<Path> files = new ArrayList<>(xml);
        files.add(0, programmerFile);
        loadFlat(files, raw, patch);
    }

    private void loadFlat(List<Path> files, List<Path> raw, List<Path> patch) throws IOException {

        PackageImage programmer = null;
        List<Path> progs = givenProgrammer != null ? List.of(givenProgrammer)
                : files.stream().filter(p -> PROGRAMMER.matcher(p.getFileName().toString()).matches())
                .sorted(Comparator.comparingInt(FirmwarePackage::programmerRank).thenComparing(this::name)).toList();
        if (progs.isEmpty()) {
            progs = files.stream().filter(p -> PROGRAMMER_OTHER.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(this::name)).toList();
        }
        if (progs.isEmpty()) {
            problems.add(Problem.error(Reason.INCOMPLETE, null, "no Firehose programmer (prog_*, *devprg* or *firehose* .mbn/.elf/.melf) "
                    + "in the flat build"));
        } else {
            Path pp = progs.get(0);
            try (FileChannel ch = FileChannel.open(pp, StandardOpenOption.READ)) {
                ElfImage elf = ElfImage.parse(ch, name(pp));
                elf.requireSaharaLoadable(ch.size(), name(pp));
                ImageScanner.Result scan = scan(pp, List.of());
                programmer = new PackageImage(name(pp), pp, ImageType.FIREHOSE_PROGRAMMER, scan, scan.qcVersion(),
                        crcSource(pp), null, elf, null);
                images.add(programmer);
                byPath.put(pp, programmer);
                product = productFromProgrammer(pp.getFileName().toString());
            } catch (BadPackageException e) {
                problems.add(Problem.of(e));
            }
        }

        List<FlatOp> ops = new ArrayList<>();
        List<String> rawNames = new ArrayList<>();
        List<String> patchNames = new ArrayList<>();
        for (Path x : raw) {
            String where = name(x);
            rawNames.add(where);
            try {
                SecureXml.Document doc = SecureXml.parse(x, where);
                addXml(x, ImageType.RAWPROGRAM_XML);
                ops.addAll(RawProgramParser.rawprogram(doc, where, root, x.getParent(), include, this::flatImage));
            } catch (BadPackageException e) {
                problems.add(Problem.of(e));
            }
        }
        for (Path x : patch) {
            String where = name(x);
            patchNames.add(where);
            try {
                SecureXml.Document doc = SecureXml.parse(x, where);
                addXml(x, ImageType.PATCH_XML);
                ops.addAll(RawProgramParser.patches(doc, where));
            } catch (BadPackageException e) {
                problems.add(Problem.of(e));
            }
        }
        for (FlatOp op : ops) {
            if (op instanceof FlatOp.Program p) {
                long partition = p.numSectors() * p.sectorSize();
                if (p.sparse() && p.image().sparse() != null && p.image().sparse().expandedSize() > partition) {
                    problems.add(Problem.error(Reason.OVERRUN, p.source(), "sparse image '" + p.filename()
                            + "' expands to " + p.image().sparse().expandedSize() + " bytes, the partition holds "
                            + partition));
                } else if (!p.sparse() && p.fileSectorOffset() == 0 && p.image().size() > partition) {
                    problems.add(Problem.warning(Reason.SIZE_MISMATCH, p.source(), "'" + p.filename() + "' is "
                            + p.image().size() + " bytes but the partition holds " + partition
                            + "; only that much is written"));
                }
            }
        }
        if (ops.stream().noneMatch(FlatOp.Program.class::isInstance) && problems.stream().noneMatch(Problem::isError)) {
            problems.add(Problem.error(Reason.INCOMPLETE, null, "the rawprogram files name no image to program"));
        }
        if (programmer != null) {
            flat = new FlatBuild(programmer, rawNames, patchNames, ops);
        }
        versions = new Versions(flatFirmware(ops), null, null);
        if (versions.firmware() == null) {
            problems.add(Problem.warning(Reason.INCOMPLETE, null, "no QC_IMAGE_VERSION_STRING found in the modem "
                    + "image; the update cannot verify the firmware version"));
        }
    }

    private void addXml(Path x, ImageType type) throws IOException {
        ImageScanner.Result scan = scan(x, List.of());
        PackageImage pi = new PackageImage(name(x), x, type, scan, null, crcSource(x), null, null, null);
        images.add(pi);
        byPath.put(x, pi);
    }

    /** Creates (once) the image object for a file a rawprogram names. */
    private PackageImage flatImage(Path file) throws IOException {
        PackageImage known = byPath.get(file);
        if (known != null) {
            return known;
        }
        String where = name(file);
        byte[] head = head(file, 64);
        SparseImage sparse = null;
        ImageType type = ImageType.RAW;
        if (SparseImage.looksLikeSparse(head)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                sparse = SparseImage.parse(ch, where);
            }
            type = ImageType.ANDROID_SPARSE;
        }
        ImageScanner.Result scan = scan(file, List.of());
        PackageImage pi = new PackageImage(where, file, type, scan, scan.qcVersion(), crcSource(file), null,
                null, sparse);
        images.add(pi);
        byPath.put(file, pi);
        return pi;
    }

    /** The modem (MPSS) image's version marker, else the one of an image labelled modem. */
    private static String flatFirmware(List<FlatOp> ops) {
        String labelled = null;
        for (FlatOp op : ops) {
            if (op instanceof FlatOp.Program p && p.image().qcVersion() != null) {
                String v = p.image().qcVersion();
                if (v.toUpperCase(Locale.ROOT).startsWith("MPSS")) {
                    return v;
                }
                String l = (p.label() == null ? "" : p.label()).toLowerCase(Locale.ROOT);
                if (labelled == null && (l.startsWith("modem") || p.filename().toUpperCase(Locale.ROOT).contains("NON-HLOS"))) {
                    labelled = v;
                }
            }
        }
        return labelled;
    }

    private static int programmerRank(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return (n.contains("firehose") ? 0 : 2) + (n.contains("ddr") ? 0 : 1);
    }

    /** prog_firehose_sdx55.mbn -> "SDX55"; generic names (prog_firehose_ddr.elf) give null. */
    static String productFromProgrammer(String fileName) {
        String n = stripExtension(fileName).toLowerCase(Locale.ROOT);
        List<String> parts = new ArrayList<>(List.of(n.split("_")));
        parts.removeAll(List.of("prog", "firehose", "emmc", "ufs", "nand", "spinor", "nvme", "ddr", "lite", ""));
        return parts.isEmpty() ? null : String.join("_", parts).toUpperCase(Locale.ROOT);
    }

    private Comparator<Path> numbered(Pattern p) {
        return Comparator.comparingLong((Path x) -> {
            Matcher m = p.matcher(x.getFileName().toString());
            if (!m.matches() || m.group(1).isEmpty()) {
                return -1L;
            }
            return m.group(1).length() > 18 ? Long.MAX_VALUE : Long.parseLong(m.group(1)); // no overflow on odd names
        }).thenComparing(this::name);
    }

    // ------------------------------------------------------------------ Gobi

    private void loadGobi(List<Path> files) throws IOException {
        kind = PackageKind.GOBI;
        protocol = Protocol.GOBI_QDL;
        Map<String, Path> by = new HashMap<>();
        for (Path f : files) {
            String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
            if (by.putIfAbsent(n, f) != null) {
                problems.add(Problem.error(Reason.UNKNOWN_KIND, name(f), "a second " + n + " in the package"));
            }
        }
        for (String required : List.of("amss.mbn", "apps.mbn")) {
            if (!by.containsKey(required)) {
                problems.add(Problem.warning(Reason.INCOMPLETE, null, "Gobi package without " + required
                        + ": only the images given will be flashed"));
            }
        }
        product = by.containsKey("uqcn.mbn") ? "GOBI2000" : "GOBI1000";
        String fw = null;
        for (String n : GOBI_NAMES) {
            Path f = by.get(n);
            if (f == null) {
                continue;
            }
            ImageScanner.Result scan = scan(f, List.of());
            ImageType t = switch (n) {
                case "amss.mbn" -> ImageType.GOBI_AMSS;
                case "apps.mbn" -> ImageType.GOBI_APPS;
                default -> ImageType.GOBI_UQCN;
            };
            // the last 8 bytes of amss.mbn are never sent: it needs more than that
            long min = t == ImageType.GOBI_AMSS ? 9 : 1;
            if (scan.size() < min) {
                problems.add(Problem.error(Reason.TRUNCATED, name(f), "only " + scan.size() + " bytes: not a Gobi image"));
            }
            if (t == ImageType.GOBI_AMSS) {
                fw = scan.qcVersion();
            }
            PackageImage pi = new PackageImage(name(f), f, t, scan, scan.qcVersion(), crcSource(f), null, null,
                    null);
            images.add(pi);
            byPath.put(f, pi);
        }
        versions = new Versions(fw, null, null);
    }

    // ------------------------------------------------------------------ API

    public Path source() {
        return source;
    }

    /** The folder the package's files are in (the private temporary directory for archives). */
    public Path root() {
        return root;
    }

    public PackageKind kind() {
        return kind;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** Product field of the CWE headers (e.g. 9X30), GOBI1000/GOBI2000, or the chip a programmer names; may be null. */
    public String product() {
        return product;
    }

    public Versions versions() {
        return versions;
    }

    public String firmwareVersion() {
        return versions.firmware();
    }

    public String configVersion() {
        return versions.config();
    }

    public String carrier() {
        return versions.carrier();
    }

    /** Every image in flashing order (CWE: firmware files then .nvu; Gobi: amss, apps, uqcn). */
    public List<PackageImage> images() {
        return Collections.unmodifiableList(images);
    }

    public Optional<PackageImage> image(String name) {
        return images.stream().filter(i -> i.name().equals(name) || i.fileName().equals(name)).findFirst();
    }

    /** The flat build (Qualcomm EDL packages); empty for other kinds. */
    public Optional<FlatBuild> flatBuild() {
        return Optional.ofNullable(flat);
    }

    /** Warnings found while opening (errors make {@link #open} throw instead). */
    public List<Problem> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** Removes the private temporary directory (archives); a directory package is left alone. */
    @Override
    public void close() throws IOException {
        FileTrees.delete(tempDir);
    }

}
