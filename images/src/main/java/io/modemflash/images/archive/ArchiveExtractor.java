package io.modemflash.images.archive;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;
import io.modemflash.images.Limits;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Optional;

/**
 * Extracts zip, tar, tar.gz, tar.xz and 7z packages into a private directory, streaming
 * each entry to disk. Refuses entries that would land outside the directory, links that
 * point out, and anything beyond the {@link Limits}. Links that stay inside are not
 * created (nothing in a firmware package needs them) and are reported by the caller.
 */
public final class ArchiveExtractor {
    private static final int BUFFER = 1 << 16;

    public enum Format { ZIP, TAR, TAR_GZ, TAR_XZ, SEVEN_Z }

    private final Path root;
    private final Limits limits;
    private final String archiveName;
    private long total;
    private int entries;
    private int skippedLinks;

    private ArchiveExtractor(Path root, Limits limits, String archiveName) {
        this.root = root;
        this.limits = limits;
        this.archiveName = archiveName;
    }

    /** The format of {@code file} from its first bytes (then its name); empty when not an archive. */
    public static Optional<Format> detect(Path file) throws IOException {
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5) ) {
            return Optional.of(Format.ZIP);
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Optional.of(Format.TAR_GZ);
        }
        if (n >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X'
                && head[4] == 'Z' && head[5] == 0) {
            return Optional.of(Format.TAR_XZ);
        }
        if (n >= 6 && head[0] == '7' && head[1] == 'z' && (head[2] & 0xff) == 0xbc && (head[3] & 0xff) == 0xaf
                && head[4] == 0x27 && head[5] == 0x1c) {
            return Optional.of(Format.SEVEN_Z);
        }
        if (n >= 262 && head[257] == 'u' && head[258] == 's' && head[259] == 't' && head[260] == 'a'
                && head[261] == 'r') {
            return Optional.of(Format.TAR);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".tar")) {
            return Optional.of(Format.TAR); // old-style tar without the ustar magic
        }
        return Optional.empty();
    }

    /**
     * Extracts {@code archive} into {@code root} (an empty private directory).
     * Returns how many link entries were skipped.
     */
    public static int extract(Path archive, Format format, Path root, Limits limits) throws IOException {
        ArchiveExtractor x = new ArchiveExtractor(root, limits, archive.getFileName().toString());
        try {
            switch (format) {
                case ZIP -> x.zip(archive);
                case TAR -> x.tar(Files.newInputStream(archive));
                case TAR_GZ -> x.tar(new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(archive)), true));
                case TAR_XZ -> x.tar(new XZCompressorInputStream(new BufferedInputStream(Files.newInputStream(archive))));
                case SEVEN_Z -> x.sevenZ(archive);
                default -> throw new IllegalStateException();
            }
        } catch (BadPackageException e) {
            throw e;
        } catch (EOFException e) {
            throw new BadPackageException(Reason.TRUNCATED, x.archiveName, "archive is truncated (ends in the middle of "
                    + "an entry)", e);
        } catch (IOException | RuntimeException e) {
            // commons-compress reports damage as IOException or, for some formats, runtime exceptions
            throw new BadPackageException(Reason.TRUNCATED, x.archiveName, "archive is truncated or corrupt: "
                    + oneLine(e), e);
        }
        return x.skippedLinks;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return m.replace('\n', ' ');
    }

    private void zip(Path archive) throws IOException {
        try (ZipFile zf = ZipFile.builder().setPath(archive).get()) {
            Enumeration<ZipArchiveEntry> en = zf.getEntriesInPhysicalOrder();
            while (en.hasMoreElements()) {
                ZipArchiveEntry e = en.nextElement();
                count(e.getName());
                if (e.isUnixSymlink()) {
                    String target;
                    try (InputStream in = zf.getInputStream(e)) {
                        target = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
                    }
                    link(e.getName(), target);
                    continue;
                }
                if (e.isDirectory()) {
                    Files.createDirectories(SafePaths.entry(root, e.getName(), where(e.getName())));
                    continue;
                }
                try (InputStream in = zf.getInputStream(e)) {
                    write(e.getName(), in);
                }
            }
        }
    }

    private void tar(InputStream raw) throws IOException {
        try (TarArchiveInputStream tin = new TarArchiveInputStream(new BufferedInputStream(raw, BUFFER))) {
            TarArchiveEntry e;
            while ((e = tin.getNextEntry()) != null) {
                count(e.getName());
                if (e.isSymbolicLink() || e.isLink()) {
                    link(e.getName(), e.getLinkName(), e.isLink());
                    continue;
                }
                if (e.isDirectory()) {
                    Files.createDirectories(SafePaths.entry(root, e.getName(), where(e.getName())));
                    continue;
                }
                if (!e.isFile()) {
                    throw new BadPackageException(Reason.UNSAFE_PATH, where(e.getName()),
                            "special file (device, fifo) refused");
                }
                if (e.getSize() > limits.maxEntryBytes()) {
                    throw tooLarge(e.getName());
                }
                write(e.getName(), tin);
                if (Files.size(SafePaths.entry(root, e.getName(), where(e.getName()))) != e.getRealSize()) {
                    throw new BadPackageException(Reason.TRUNCATED, where(e.getName()), "entry is cut short");
                }
            }
        }
    }

    private void sevenZ(Path archive) throws IOException {
        try (SevenZFile sz = SevenZFile.builder().setPath(archive).get()) {
            SevenZArchiveEntry e;
            while ((e = sz.getNextEntry()) != null) {
                count(e.getName());
                if (isSevenZLink(e)) {
                    throw new BadPackageException(Reason.LINK_OUTSIDE, where(e.getName()), "links in 7z packages are refused");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(SafePaths.entry(root, e.getName(), where(e.getName())));
                    continue;
                }
                if (!e.hasStream()) {
                    write(e.getName(), InputStream.nullInputStream());
                    continue;
                }
                try (InputStream in = sz.getInputStream(e)) {
                    write(e.getName(), in);
                }
            }
        }
    }

    private static boolean isSevenZLink(SevenZArchiveEntry e) {
        // Unix mode lives in the high 16 bits of the Windows attributes when bit 15 is set
        if (!e.getHasWindowsAttributes()) {
            return false;
        }
        int attr = e.getWindowsAttributes();
        return (attr & 0x8000) != 0 && ((attr >>> 16) & 0170000) == 0120000;
    }

    private void count(String name) throws BadPackageException {
        if (++entries > limits.maxEntries()) {
            throw new BadPackageException(Reason.TOO_MANY_ENTRIES, archiveName, "more than " + limits.maxEntries()
                    + " entries (limit)");
        }
    }

    private void link(String name, String target) throws BadPackageException {
        link(name, target, false);
    }

    /** Checks where a link points; refuses links out, and skips the rest (never created). */
    private void link(String name, String target, boolean hard) throws BadPackageException {
        Path at = SafePaths.entry(root, name, where(name));
        if (target == null || target.isEmpty()) {
            throw new BadPackageException(Reason.LINK_OUTSIDE, where(name), "link with an empty target refused");
        }
        try {
            // hard link targets are archive names (relative to the root); symlinks are relative to their folder
            Path base = hard ? root : at.getParent();
            SafePaths.resolveInside(root, base, target, where(name));
        } catch (BadPackageException e) {
            throw new BadPackageException(Reason.LINK_OUTSIDE, where(name), "link to '" + target
                    + "' points outside the package");
        }
        skippedLinks++;
    }

    private void write(String name, InputStream in) throws IOException {
        Path out = SafePaths.entry(root, name, where(name));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new BadPackageException(Reason.UNSAFE_PATH, where(name), "entry appears twice in the archive");
        }
        byte[] buf = new byte[BUFFER];
        long written = 0;
        try (OutputStream os = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                written += n;
                total += n;
                if (written > limits.maxEntryBytes()) {
                    throw tooLarge(name);
                }
                if (total > limits.maxTotalBytes()) {
                    throw new BadPackageException(Reason.TOO_LARGE, archiveName, "expands to more than "
                            + limits.maxTotalBytes() + " bytes (limit; archive bomb?)");
                }
                os.write(buf, 0, n);
            }
        }
    }

    private BadPackageException tooLarge(String name) {
        return new BadPackageException(Reason.TOO_LARGE, where(name), "entry is larger than "
                + limits.maxEntryBytes() + " bytes (limit; archive bomb?)");
    }

    private String where(String entry) {
        return archiveName + "!" + entry;
    }
}
