package io.modemflash.images.archive;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.cwe.CweBuilder;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14: every archive format's own integrity check is enforced, headers are bounded before
 * they are read, special files are refused, and file-system clashes say what they are. Each
 * refusal names the archive or member, and the private directory is gone afterwards.
 */
class ArchiveBoundsTest {
    @TempDir
    Path dir;
    private byte[] cwe;
    private static final String FW = "SWI9X30C_02.38.00.00";

    @BeforeEach
    void setUp() {
        byte[] data = new byte[40_000];
        new Random(7).nextBytes(data);
        cwe = CweBuilder.build(CweBuilder.parent("SPKG", "9X30", FW, CweBuilder.leaf("MODM", "9X30", FW, data)));
    }

    private BadPackageException refused(Path archive, Limits limits) throws IOException {
        long before = tempDirs();
        BadPackageException e = assertThrows(BadPackageException.class,
                () -> FirmwarePackage.open(archive, limits).close());
        assertEquals(before, tempDirs(), "the private directory is removed after a refusal");
        assertFalse(e.getMessage().contains("\n"), "one line");
        return e;
    }

    private static long tempDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("modemflash-pkg-")).count();
        }
    }

    private Path storedZip(String name) throws IOException {
        Path p = dir.resolve(name);
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(p.toFile())) {
            ZipArchiveEntry e = new ZipArchiveEntry(FW + ".cwe");
            e.setMethod(ZipArchiveEntry.STORED);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(cwe);
            e.setCrc(crc.getValue());
            e.setSize(cwe.length);
            z.putArchiveEntry(e);
            z.write(cwe);
            z.closeArchiveEntry();
        }
        return p;
    }

    /** `unzip -t` says "bad CRC"; inspection used to accept it and the update flashed it. */
    @Test
    void aZipMemberWithOneFlippedByteIsRefusedNamingTheMemberAndTheCrc() throws Exception {
        Path zip = storedZip("edl.zip");
        byte[] b = Files.readAllBytes(zip);
        int at = indexOf(b, java.util.Arrays.copyOfRange(cwe, 20_000, 20_016)) + 5; // inside the image data
        b[at] ^= 0x40;
        Files.write(zip, b);
        BadPackageException e = refused(zip, Limits.defaults());
        assertEquals(Reason.CRC_MISMATCH, e.reason());
        assertTrue(e.getMessage().startsWith("edl.zip!" + FW + ".cwe: CRC-32 of the extracted bytes is "), e.getMessage());
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(cwe);
        assertTrue(e.getMessage().contains(String.format("the zip says %08X", crc.getValue())), e.getMessage());
    }

    @Test
    void theGzipTrailerIsChecked() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        TarBytes.entry(tar, FW + ".cwe", '0', cwe);
        TarBytes.end(tar);
        byte[] gz = gzip(tar.toByteArray());
        gz[gz.length - 6] ^= 0x01; // the trailer's CRC-32
        Path p = Files.write(dir.resolve("fw.tar.gz"), gz);
        BadPackageException e = refused(p, Limits.defaults());
        assertEquals(Reason.CRC_MISMATCH, e.reason());
        assertTrue(e.getMessage().startsWith("fw.tar.gz: the gzip integrity check failed"), e.getMessage());
    }

    @Test
    void theXzChecksAreChecked() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        TarBytes.entry(tar, FW + ".cwe", '0', cwe);
        TarBytes.end(tar);
        byte[] xz = XzBytes.xz(tar.toByteArray());
        xz[xz.length - 13] ^= 0x01; // inside the block's CRC64 check, before the index
        Path p = Files.write(dir.resolve("fw.tar.xz"), xz);
        BadPackageException e = refused(p, Limits.defaults());
        assertTrue(e.getMessage().startsWith("fw.tar.xz"), e.getMessage());
        assertTrue(e.reason() == Reason.CRC_MISMATCH || e.reason() == Reason.TRUNCATED, e.getMessage());
    }

    /** Issue 14 item 1: the library read the claimed gigabytes into one array (OutOfMemoryError, exit 1). */
    @Test
    void longNameLongLinkAndPaxHeadersAreBoundedBeforeTheyAreRead() throws Exception {
        for (char type : new char[] {'L', 'K', 'x', 'g'}) {
            ByteArrayOutputStream tar = new ByteArrayOutputStream();
            // claims 3 GiB; what follows is short: nothing beyond the header is read
            tar.write(TarBytes.header(type == 'L' || type == 'K' ? "././@LongLink" : "pax", type, 3L << 30));
            tar.write(new byte[4096]);
            Path p = Files.write(dir.resolve("huge-" + type + ".tar"), tar.toByteArray());
            BadPackageException e = refused(p, Limits.defaults());
            assertEquals(Reason.TOO_LARGE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("header claims 3221225472 bytes (limit 65536)"), e.getMessage());
        }
        // a real one, gzip'd: 2 MiB of name, refused with a lowered limit just the same
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        TarBytes.entry(tar, "././@LongLink", 'L', 2L << 20, (byte) 'a');
        TarBytes.entry(tar, "x.cwe", '0', cwe);
        TarBytes.end(tar);
        BadPackageException e = refused(Files.write(dir.resolve("long.tar.gz"), gzip(tar.toByteArray())),
                Limits.defaults());
        assertTrue(e.getMessage().contains("GNU long-name (././@LongLink, type L) header claims 2097152"), e.getMessage());
    }

    @Test
    void aChainOfLongNameHeadersIsRefused() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (int i = 0; i < 5000; i++) { // the library follows each by recursion
            TarBytes.entry(tar, "././@LongLink", 'L', "n".getBytes(StandardCharsets.US_ASCII));
        }
        TarBytes.entry(tar, "x.cwe", '0', cwe);
        TarBytes.end(tar);
        BadPackageException e = refused(Files.write(dir.resolve("chain.tar"), tar.toByteArray()), Limits.defaults());
        assertTrue(e.getMessage().contains("more than 16 tar header blocks for one entry"), e.getMessage());
    }

    @Test
    void sparseTarEntriesAreRefused() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        TarBytes.entry(tar, "x.cwe", 'S', cwe);
        TarBytes.end(tar);
        assertEquals(Reason.UNSUPPORTED, refused(Files.write(dir.resolve("sparse.tar"), tar.toByteArray()),
                Limits.defaults()).reason());
        tar.reset();
        TarBytes.entry(tar, "pax", 'x', "30 GNU.sparse.major=1\n30 GNU.sparse.minor=0\n".getBytes(StandardCharsets.UTF_8));
        TarBytes.entry(tar, "x.cwe", '0', cwe);
        TarBytes.end(tar);
        BadPackageException e = refused(Files.write(dir.resolve("paxsparse.tar"), tar.toByteArray()), Limits.defaults());
        assertTrue(e.getMessage().contains("PAX GNU sparse tar entry refused"), e.getMessage());
    }

    /** Issue 14 item 6: they were written as empty files. */
    @Test
    void fifoAndDeviceEntriesAreRefused() throws Exception {
        for (char type : new char[] {'3', '4', '6'}) {
            ByteArrayOutputStream tar = new ByteArrayOutputStream();
            TarBytes.entry(tar, FW + ".cwe", '0', cwe);
            TarBytes.entry(tar, "dev" + type, type, new byte[0]);
            TarBytes.end(tar);
            BadPackageException e = refused(Files.write(dir.resolve("special" + type + ".tar"), tar.toByteArray()),
                    Limits.defaults());
            assertEquals(Reason.UNSAFE_PATH, e.reason());
            assertTrue(e.getMessage().contains("special" + type + ".tar!dev" + type + ": "
                    + (type == '3' ? "character device" : type == '4' ? "block device" : "fifo") + " entry refused"),
                    e.getMessage());
        }
        Path zip = dir.resolve("fifo.zip");
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(zip.toFile())) {
            ZipArchiveEntry e = new ZipArchiveEntry("pipe");
            e.setUnixMode(0010644);
            z.putArchiveEntry(e);
            z.closeArchiveEntry();
        }
        assertTrue(refused(zip, Limits.defaults()).getMessage().contains("fifo.zip!pipe: fifo entry refused"));
    }

    /** Issue 14 item 9: both said "archive is truncated or corrupt". */
    @Test
    void fileSystemClashesSayWhatTheyAre() throws Exception {
        Path p = dir.resolve("clash.tar");
        try (OutputStream out = Files.newOutputStream(p); TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            TarArchiveEntry a = new TarArchiveEntry("fw");
            a.setSize(3);
            t.putArchiveEntry(a);
            t.write(new byte[3]);
            t.closeArchiveEntry();
            TarArchiveEntry b = new TarArchiveEntry("fw/" + FW + ".cwe");
            b.setSize(cwe.length);
            t.putArchiveEntry(b);
            t.write(cwe);
            t.closeArchiveEntry();
        }
        BadPackageException e = refused(p, Limits.defaults());
        assertEquals(Reason.UNSAFE_PATH, e.reason());
        assertTrue(e.getMessage().contains("'fw' is both a file and a folder in the archive"), e.getMessage());

        Path zip = dir.resolve("longname.zip");
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(zip.toFile())) {
            z.putArchiveEntry(new ZipArchiveEntry("x".repeat(300) + ".cwe"));
            z.write(cwe);
            z.closeArchiveEntry();
        }
        e = refused(zip, Limits.defaults());
        assertEquals(Reason.UNSAFE_PATH, e.reason());
        assertTrue(e.getMessage().contains("entry name is too long for this file system"), e.getMessage());
    }

    /** Issue 14 item 4: a patched 1.5 GiB dictionary inspected at 1.67 GB RSS (exit 0), or OOM. */
    @Test
    void decompressorDictionariesAreBounded() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        TarBytes.entry(tar, FW + ".cwe", '0', cwe);
        TarBytes.end(tar);
        Path xz = Files.write(dir.resolve("dict.tar.xz"), XzBytes.withDictionaryCode(XzBytes.xz(tar.toByteArray()), 37));
        BadPackageException e = refused(xz, Limits.defaults());
        assertEquals(Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().startsWith("dict.tar.xz: decompressing needs "), e.getMessage());
        assertTrue(e.getMessage().contains("(limit 73728 KiB)"), e.getMessage());

        Path sevenZ = dir.resolve("p.7z");
        try (SevenZOutputFile out = new SevenZOutputFile(sevenZ.toFile())) {
            var en = out.createArchiveEntry(dir.toFile(), FW + ".cwe");
            en.setDirectory(false);
            out.putArchiveEntry(en);
            out.write(cwe);
            out.closeArchiveEntry();
        }
        e = refused(sevenZ, Limits.defaults().withMaxDecoderKiB(1024)); // LZMA2's default needs 8 MiB and more
        assertEquals(Reason.TOO_LARGE, e.reason(), e.getMessage());
        try (FirmwarePackage pkg = FirmwarePackage.open(sevenZ, Limits.defaults())) {
            assertEquals("02.38.00.00", pkg.firmwareVersion());
        }
    }

    @Test
    void theZipCentralDirectoryIsBounded() throws Exception {
        Path zip = dir.resolve("many.zip");
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(zip.toFile())) {
            for (int i = 0; i < 300; i++) {
                ZipArchiveEntry e = new ZipArchiveEntry(i + ".bin");
                e.setComment("c".repeat(60_000)); // comments live in the central directory
                z.putArchiveEntry(e);
                z.closeArchiveEntry();
            }
        }
        BadPackageException e = refused(zip, Limits.defaults());
        assertEquals(Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().startsWith("many.zip: zip central directory larger than"), e.getMessage());
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(data);
        }
        return b.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("not found");
    }
}
