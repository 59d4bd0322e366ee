package io.modemflash.images.archive;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;
import io.modemflash.images.Limits;
import org.apache.commons.compress.MemoryLimitException;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;

/**
 * Extracts zip, tar, tar.gz, tar.xz and 7z packages into a private directory, streaming
 * each entry to disk. Refuses entries that would land outside the directory, links that
 * point out, special files (devices, fifos, sockets), and anything beyond the {@link Limits}:
 * memory stays bounded whatever the archive claims (tar long-name and PAX headers, the zip
 * central directory, xz/7z dictionaries). Every format's own integrity check is enforced: the
 * CRC-32 of each zip and 7z member, the gzip trailer's CRC-32 and length, xz's block checks
 * and index. Links that stay inside are not created (nothing in a firmware package needs
 * them) and are reported by the caller.
 */
public final class ArchiveExtractor {
    private static final int BUFFER = 1 << 16;
    /** Central directory bytes a zip may have: 10 000 entries with long names still fit many times. */
    static final long MAX_ZIP_DIRECTORY = 16L << 20;

    public enum Format { ZIP, TAR, TAR_GZ, TAR_XZ, SEVEN_Z }

    /** What extraction produced: links skipped, and each file's CRC-32 as the archive vouched for it. */
    public record Result(int skippedLinks, Map<Path, Long> crcs) {
    }

    private final Path root;
    private final Limits limits;
    private final String archiveName;
    private final Map<Path, Long> crcs = new HashMap<>();
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
     * Extracts {@code archive} into {@code root} (an empty private directory). Every refusal
     * is a {@link BadPackageException} naming the archive or the member.
     */
    public static Result extract(Path archive, Format format, Path root, Limits limits) throws IOException {
        ArchiveExtractor x = new ArchiveExtractor(root, limits, archive.getFileName().toString());
        try {
            switch (format) {
                case ZIP -> x.zip(archive);
                case TAR -> x.tar(Files.newInputStream(archive), null);
                // the JDK's gzip reader skips header names and comments without buffering them
                // and checks every member's CRC-32 and length
                case TAR_GZ -> x.tar(new GZIPInputStream(Files.newInputStream(archive), BUFFER), "gzip");
                case TAR_XZ -> x.tar(XZCompressorInputStream.builder().setInputStream(
                        new BufferedInputStream(Files.newInputStream(archive), BUFFER))
                        .setMemoryLimitKiB(limits.maxDecoderKiB()).setDecompressConcatenated(true).get(), "xz");
                case SEVEN_Z -> x.sevenZ(archive);
                default -> throw new IllegalStateException();
            }
        } catch (BadPackageException e) {
            throw e;
        } catch (MemoryLimitException e) {
            throw x.bomb(e);
        } catch (IOException | RuntimeException e) {
            throw x.classify(e, format);
        }
        return new Result(x.skippedLinks, Map.copyOf(x.crcs));
    }

    /**
     * What a library's exception means. Libraries wrap what our own checks throw (ZipFile wraps
     * the central directory bound): the innermost of ours wins. A gzip or xz check that fails is
     * named as such; the rest is damage.
     */
    private BadPackageException classify(Exception e, Format format) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof BadPackageException b) {
                return b;
            }
            if (c instanceof MemoryLimitException m) {
                return bomb(m);
            }
        }
        String m = oneLine(e);
        String lower = m.toLowerCase(Locale.ROOT);
        if ((format == Format.TAR_GZ || format == Format.TAR_XZ)
                && (lower.contains("crc") || lower.contains("trailer") || lower.contains("integrity check"))) {
            return new BadPackageException(Reason.CRC_MISMATCH, archiveName, "the " + (format == Format.TAR_GZ ? "gzip"
                    : "xz") + " integrity check failed (" + m + "): the archive is corrupt", e);
        }
        if (e instanceof EOFException) {
            return new BadPackageException(Reason.TRUNCATED, archiveName, "archive is truncated (ends in the middle of "
                    + "an entry)", e);
        }
        // commons-compress reports damage as IOException or, for some formats, runtime exceptions
        return new BadPackageException(Reason.TRUNCATED, archiveName, "archive is truncated or corrupt: " + m, e);
    }

    private BadPackageException bomb(MemoryLimitException e) {
        return new BadPackageException(Reason.TOO_LARGE, archiveName, "decompressing needs " + e.getMemoryNeededInKb()
                + " KiB (limit " + limits.maxDecoderKiB() + " KiB): its dictionary is larger than any firmware "
                + "package needs (decompression bomb?)", e);
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return m.replace('\n', ' ');
    }

    private void zip(Path archive) throws IOException {
        BudgetChannel ch = new BudgetChannel(FileChannel.open(archive, StandardOpenOption.READ), archiveName);
        ch.limit(MAX_ZIP_DIRECTORY + 128 * 1024); // the directory plus the end-record search
        ZipFile.Builder b = ZipFile.builder().setSeekableByteChannel(ch);
        try (ZipFile zf = b.get()) {
            ch.unlimited();
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
                refuseSpecial(e.getName(), e.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? e.getUnixMode() : 0);
                if (e.isDirectory()) {
                    directory(e.getName());
                    continue;
                }
                if (e.getSize() > limits.maxEntryBytes()) {
                    throw tooLarge(e.getName());
                }
                // zip checks nothing itself: the CRC-32 of every member is compared here
                try (InputStream in = zf.getInputStream(e)) {
                    write(e.getName(), in, e.getCrc(), "the zip");
                }
            }
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    private void tar(InputStream decompressed, String compression) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(decompressed, BUFFER);
        try (TarArchiveInputStream tin = new BoundedTarInputStream(buffered, limits.maxHeaderBytes(), archiveName)) {
            TarArchiveEntry e;
            while ((e = tin.getNextEntry()) != null) {
                count(e.getName());
                if (e.isSymbolicLink() || e.isLink()) {
                    link(e.getName(), e.getLinkName(), e.isLink());
                    continue;
                }
                if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
                    throw new BadPackageException(Reason.UNSAFE_PATH, where(e.getName()), (e.isFIFO() ? "fifo"
                            : e.isCharacterDevice() ? "character device" : "block device")
                            + " entry refused: a firmware package holds only files and folders");
                }
                if (e.isDirectory()) {
                    directory(e.getName());
                    continue;
                }
                if (!e.isFile()) {
                    throw new BadPackageException(Reason.UNSAFE_PATH, where(e.getName()),
                            "special tar entry (type '" + (char) e.getLinkFlag() + "') refused");
                }
                if (e.getSize() > limits.maxEntryBytes()) {
                    throw tooLarge(e.getName());
                }
                long written = write(e.getName(), tin, -1, null);
                if (written != e.getRealSize()) {
                    throw new BadPackageException(Reason.TRUNCATED, where(e.getName()), "entry is cut short");
                }
            }
            if (compression != null) {
                drain(buffered, compression);
            }
        }
    }

    /**
     * Reads the compressed stream to its end after the tar's end: the gzip trailer (CRC-32 and
     * length) and the xz index and stream checks are verified only there.
     */
    private void drain(InputStream in, String compression) throws IOException {
        byte[] buf = new byte[BUFFER];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                if ((total += n) > limits.maxTotalBytes()) {
                    throw new BadPackageException(Reason.TOO_LARGE, archiveName, "expands to more than "
                            + limits.maxTotalBytes() + " bytes (limit; archive bomb?)");
                }
            }
        } catch (BadPackageException | MemoryLimitException e) {
            throw e;
        } catch (IOException e) {
            throw new BadPackageException(Reason.CRC_MISMATCH, archiveName, "the " + compression + " integrity check "
                    + "failed (" + oneLine(e) + "): the archive is corrupt", e);
        }
    }

    private void sevenZ(Path archive) throws IOException {
        try (SevenZFile sz = SevenZFile.builder().setPath(archive).setMaxMemoryLimitKiB(limits.maxDecoderKiB()).get()) {
            SevenZArchiveEntry e;
            while ((e = sz.getNextEntry()) != null) {
                count(e.getName());
                if (isSevenZLink(e)) {
                    throw new BadPackageException(Reason.LINK_OUTSIDE, where(e.getName()), "links in 7z packages are refused");
                }
                refuseSpecial(e.getName(), e.getHasWindowsAttributes() && (e.getWindowsAttributes() & 0x8000) != 0
                        ? e.getWindowsAttributes() >>> 16 : 0);
                if (e.isDirectory()) {
                    directory(e.getName());
                    continue;
                }
                if (!e.hasStream()) {
                    write(e.getName(), InputStream.nullInputStream(), -1, null);
                    continue;
                }
                if (e.getSize() > limits.maxEntryBytes()) {
                    throw tooLarge(e.getName());
                }
                try (InputStream in = sz.getInputStream(e)) {
                    write(e.getName(), in, e.getHasCrc() ? e.getCrcValue() : -1, "the 7z");
                }
            }
        }
    }

    /** Unix file types other than regular files, folders and links have no place in a package. */
    private void refuseSpecial(String name, int unixMode) throws BadPackageException {
        String kind = switch (unixMode & 0170000) {
            case 0010000 -> "fifo";
            case 0020000 -> "character device";
            case 0060000 -> "block device";
            case 0140000 -> "socket";
            default -> null;
        };
        if (kind != null) {
            throw new BadPackageException(Reason.UNSAFE_PATH, where(name), kind
                    + " entry refused: a firmware package holds only files and folders");
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

    private void directory(String name) throws IOException {
        Path dir = SafePaths.entry(root, name, where(name));
        onDisk(name, dir, () -> Files.createDirectories(dir));
    }

    /**
     * Streams one member to its file, computing its CRC-32; when the archive records one
     * ({@code expectedCrc} >= 0) they must agree. Returns the bytes written.
     */
    private long write(String name, InputStream in, long expectedCrc, String crcOwner) throws IOException {
        Path out = SafePaths.entry(root, name, where(name));
        if (out.getParent() != null) {
            onDisk(name, out.getParent(), () -> Files.createDirectories(out.getParent()));
        }
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new BadPackageException(Reason.UNSAFE_PATH, where(name), "entry appears twice in the archive");
        }
        byte[] buf = new byte[BUFFER];
        CRC32 crc = new CRC32();
        long written = 0;
        OutputStream os = onDisk(name, out, () -> Files.newOutputStream(out, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE));
        try (os) {
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (BadPackageException | MemoryLimitException e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    // the library's own check (7z CRC, gzip trailer, xz block check) or damaged data: name the member
                    if (expectedCrc >= 0 && crc.getValue() != expectedCrc) {
                        throw crcMismatch(name, crc.getValue(), expectedCrc, crcOwner, e);
                    }
                    BadPackageException ours = classify(e, Format.TAR);
                    if (ours.where() != null && !ours.where().equals(archiveName)) {
                        throw ours;
                    }
                    String m = oneLine(e);
                    String lower = m.toLowerCase(Locale.ROOT);
                    boolean check = lower.contains("crc") || lower.contains("checksum") || lower.contains("trailer")
                            || lower.contains("integrity check");
                    throw new BadPackageException(check ? Reason.CRC_MISMATCH : Reason.TRUNCATED, where(name),
                            (check ? "integrity check failed in this member: " : "corrupt or cut data in this member: ")
                            + m, e);
                }
                if (n <= 0) {
                    break;
                }
                crc.update(buf, 0, n);
                written += n;
                total += n;
                if (written > limits.maxEntryBytes()) {
                    throw tooLarge(name);
                }
                if (total > limits.maxTotalBytes()) {
                    throw new BadPackageException(Reason.TOO_LARGE, archiveName, "expands to more than "
                            + limits.maxTotalBytes() + " bytes (limit; archive bomb?)");
                }
                final int len = n;
                onDisk(name, out, () -> {
                    os.write(buf, 0, len);
                    return null;
                });
            }
        }
        if (expectedCrc >= 0 && crc.getValue() != expectedCrc) {
            throw crcMismatch(name, crc.getValue(), expectedCrc, crcOwner, null);
        }
        crcs.put(out, crc.getValue());
        return written;
    }

    private BadPackageException crcMismatch(String name, long actual, long expected, String owner, Throwable cause) {
        return new BadPackageException(Reason.CRC_MISMATCH, where(name), String.format("CRC-32 of the extracted bytes "
                + "is %08X, %s says %08X: the member is corrupt", actual, owner, expected), cause);
    }

    @FunctionalInterface
    private interface DiskOp<T> {
        T run() throws IOException;
    }

    /**
     * A file-system operation on the private directory. Its failures are the package's
     * (a file and a folder of the same name, a name too long for the file system) or the
     * machine's (disk full); either way a specific reason, never "archive is corrupt".
     */
    private <T> T onDisk(String name, Path target, DiskOp<T> op) throws IOException {
        try {
            return op.run();
        } catch (FileAlreadyExistsException | NotDirectoryException e) {
            throw new BadPackageException(Reason.UNSAFE_PATH, where(name), "'" + root.relativize(
                    Path.of(e.getFile()).toAbsolutePath()) + "' is both a file and a folder in the archive");
        } catch (FileSystemException e) {
            String why = e.getReason() == null ? oneLine(e) : e.getReason();
            if (why.toLowerCase(Locale.ROOT).contains("name too long")) {
                throw new BadPackageException(Reason.UNSAFE_PATH, where(name), "entry name is too long for this file "
                        + "system (" + why + ")");
            }
            throw new BadPackageException(Reason.CANNOT_EXTRACT, where(name), "cannot write it to the temporary "
                    + "directory " + root + ": " + why, e);
        } catch (IOException e) {
            if (e instanceof BadPackageException) {
                throw e;
            }
            throw new BadPackageException(Reason.CANNOT_EXTRACT, where(name), "cannot write it to the temporary "
                    + "directory " + root + ": " + oneLine(e) + " (disk full? set TMPDIR to a larger file system)", e);
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
