package io.modemflash.images;

import io.modemflash.images.cwe.CweImage;
import io.modemflash.images.elf.ElfImage;
import io.modemflash.images.sparse.SparseImage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file of a package, on disk (inside the package's private directory for archives).
 * Never held in memory: open a stream, a channel, or read a byte range.
 */
public final class PackageImage {
    private final String name;
    private final Path path;
    private final ImageType type;
    private final long size;
    private String sha256; // computed when first asked for
    private final String qcVersion;
    private final long crc32c;
    private final String crcSource;
    private final CweImage cwe;
    private final ElfImage elf;
    private final SparseImage sparse;

    PackageImage(String name, Path path, ImageType type, ImageScanner.Result scan, String qcVersion, String crcSource,
                 CweImage cwe, ElfImage elf, SparseImage sparse) {
        this.name = name;
        this.path = path;
        this.type = type;
        this.size = scan.size();
        this.crc32c = scan.crc32c();
        this.crcSource = crcSource;
        this.qcVersion = qcVersion;
        this.cwe = cwe;
        this.elf = elf;
        this.sparse = sparse;
    }

    /** Package-relative name with '/' separators, e.g. "images/modem.img". */
    public String name() {
        return name;
    }

    /** File name without folders. */
    public String fileName() {
        int i = name.lastIndexOf('/');
        return i < 0 ? name : name.substring(i + 1);
    }

    public Path path() {
        return path;
    }

    public ImageType type() {
        return type;
    }

    public long size() {
        return size;
    }

    /**
     * Lower-case hex SHA-256 of the file as it is on disk (sparse images: the sparse file). Read
     * and hashed when first asked for (inspect's listing, an EDL write's proof), not by
     * inspection itself: an update of a Sierra package never needs it.
     */
    public synchronized String sha256() throws IOException {
        if (sha256 == null) {
            sha256 = ImageScanner.sha256(path);
        }
        return sha256;
    }

    /**
     * CRC-32C of the whole file as inspection read it (for a member of a zip or 7z package, after
     * inspection checked the archive's CRC-32 on the same bytes). The download checks it again
     * while it reads the file for the device ({@link ImageReader}). CRC-32C rather than CRC-32:
     * as good at catching a changed file, and its instruction is cheap where CRC-32's carry-less
     * multiply is not (an emulated CPU: 50-136 MiB/s against 11-20 on the virtual bench).
     */
    public long crc32c() {
        return crc32c;
    }

    /** Who vouched for the bytes inspection read: "the zip" or "the 7z" (its CRC-32), or "inspection" alone. */
    public String crcSource() {
        return crcSource;
    }

    /** The value of the first {@code QC_IMAGE_VERSION_STRING=} marker in the file, or null. */
    public String qcVersion() {
        return qcVersion;
    }

    /** The CWE header tree (CWE files), or null. */
    public CweImage cwe() {
        return cwe;
    }

    /** The ELF headers (programmers and ELF images), or null. */
    public ElfImage elf() {
        return elf;
    }

    /** The Android sparse header and chunk table (sparse images), or null. */
    public SparseImage sparse() {
        return sparse;
    }

    public InputStream openStream() throws IOException {
        return Files.newInputStream(path);
    }

    public FileChannel openChannel() throws IOException {
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    /**
     * Exactly {@code length} bytes from {@code offset} (Sahara READ_DATA serving). A range
     * outside the file is an error, never padded.
     */
    public byte[] readRange(long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new BadPackageException(BadPackageException.Reason.OVERRUN, name, "range " + offset + "+" + length
                    + " is outside the file (" + size + " bytes)");
        }
        ByteBuffer bb = ByteBuffer.allocate(length);
        try (FileChannel ch = openChannel()) {
            readFully(ch, bb, offset);
        }
        return bb.array();
    }

    /** Fills {@code dst} from {@code offset} of an already open channel of this image. */
    public static void readFully(FileChannel ch, ByteBuffer dst, long offset) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                throw new BadPackageException(BadPackageException.Reason.TRUNCATED, null, "file ended at " + pos
                        + " (it changed after it was inspected?)");
            }
            pos += n;
        }
    }

    @Override
    public String toString() {
        return name + " (" + type.label + ", " + size + " bytes)";
    }
}
