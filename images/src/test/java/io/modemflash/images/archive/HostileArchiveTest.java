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
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Hostile archives are refused with the bad-package reason, nothing lands outside the
 * private directory, and that directory is gone afterwards.
 */
class HostileArchiveTest {
    @TempDir
    Path dir;
    private byte[] cwe;

    @BeforeEach
    void setUp() {
        byte[] data = new byte[4000];
        new Random(1).nextBytes(data);
        String fw = "SWI9X30C_02.38.00.00";
        cwe = CweBuilder.build(CweBuilder.parent("SPKG", "9X30", fw, CweBuilder.leaf("MODM", "9X30", fw, data)));
    }

    record Entry(String name, byte[] data, String link, boolean hard) {
        static Entry file(String name, byte[] data) {
            return new Entry(name, data, null, false);
        }

        static Entry symlink(String name, String target) {
            return new Entry(name, null, target, false);
        }
    }

    private Path zip(String name, List<Entry> entries) throws IOException {
        Path p = dir.resolve(name);
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(p.toFile())) {
            for (Entry e : entries) {
                ZipArchiveEntry ze = new ZipArchiveEntry(e.name);
                byte[] content = e.data;
                if (e.link != null) {
                    ze.setUnixMode(0120777);
                    content = e.link.getBytes(StandardCharsets.UTF_8);
                }
                z.putArchiveEntry(ze);
                z.write(content);
                z.closeArchiveEntry();
            }
        }
        return p;
    }

    private Path tar(String name, List<Entry> entries, String compression) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream raw = Files.newOutputStream(p);
             OutputStream c = compression == null ? raw
                     : compression.equals("gz") ? new GzipCompressorOutputStream(raw) : new XZCompressorOutputStream(raw);
             TarArchiveOutputStream t = new TarArchiveOutputStream(c)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry te;
                if (e.link != null) {
                    te = new TarArchiveEntry(e.name, e.hard ? TarArchiveEntry.LF_LINK : TarArchiveEntry.LF_SYMLINK, true);
                    te.setLinkName(e.link);
                } else {
                    te = new TarArchiveEntry(e.name, true); // keep absolute names: we want to test them
                    te.setSize(e.data.length);
                }
                t.putArchiveEntry(te);
                if (e.data != null) {
                    t.write(e.data);
                }
                t.closeArchiveEntry();
            }
        }
        return p;
    }

    private Path sevenZ(String name, List<Entry> entries) throws IOException {
        Path p = dir.resolve(name);
        try (SevenZOutputFile out = new SevenZOutputFile(p.toFile())) {
            for (Entry e : entries) {
                var ze = out.createArchiveEntry(dir.toFile(), e.name);
                ze.setDirectory(false);
                out.putArchiveEntry(ze);
                out.write(e.data);
                out.closeArchiveEntry();
            }
        }
        return p;
    }

    private static long tempDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("modemflash-pkg-")).count();
        }
    }

    private BadPackageException refused(Path archive, Limits limits) throws IOException {
        long before = tempDirs();
        BadPackageException e = assertThrows(BadPackageException.class,
                () -> FirmwarePackage.open(archive, limits).close());
        assertEquals(before, tempDirs(), "the private directory is removed after a refusal");
        assertFalse(e.getMessage().contains("\n"), "one line");
        return e;
    }

    @Test
    void everyFormatOpensAndCleansUp() throws Exception {
        List<Entry> good = List.of(Entry.file("fw/SWI9X30C_02.38.00.00.cwe", cwe));
        Path sevenZ = dir.resolve("p.7z");
        try (SevenZOutputFile out = new SevenZOutputFile(sevenZ.toFile())) {
            var e = out.createArchiveEntry(dir.toFile(), "fw/SWI9X30C_02.38.00.00.cwe");
            e.setDirectory(false);
            out.putArchiveEntry(e);
            out.write(cwe);
            out.closeArchiveEntry();
        }
        for (Path p : List.of(zip("p.zip", good), tar("p.tar", good, null), tar("p.tar.gz", good, "gz"),
                tar("p.tgz", good, "gz"), tar("p.tar.xz", good, "xz"), sevenZ)) {
            Path root;
            try (FirmwarePackage pkg = FirmwarePackage.open(p, Limits.defaults())) {
                root = pkg.root();
                assertEquals("02.38.00.00", pkg.firmwareVersion(), p.toString());
                assertEquals("fw/SWI9X30C_02.38.00.00.cwe", pkg.images().get(0).name());
                assertTrue(Files.isDirectory(root));
                assertTrue(root.getFileName().toString().startsWith("modemflash-pkg-"));
                assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(root)));
            }
            assertFalse(Files.exists(root), "temporary directory removed on close");
        }
    }

    @Test
    void dotDotEntriesAreRefusedAndNothingIsWrittenOutside() throws Exception {
        Path victim = dir.resolve("victim");
        Files.createDirectories(victim);
        List<Entry> evil = List.of(Entry.file("fw/a.cwe", cwe), Entry.file("../../../../../../" + victim + "/owned", cwe));
        for (Path p : List.of(zip("evil.zip", evil), tar("evil.tar", evil, null), tar("evil.tgz", evil, "gz"))) {
            BadPackageException e = refused(p, Limits.defaults());
            assertEquals(Reason.UNSAFE_PATH, e.reason(), p.toString());
            assertTrue(e.getMessage().contains("owned"), e.getMessage());
        }
        Path sevenZ = dir.resolve("evil.7z");
        try (SevenZOutputFile out = new SevenZOutputFile(sevenZ.toFile())) {
            var en = out.createArchiveEntry(dir.toFile(), "../../../../../../" + victim + "/owned7z.cwe");
            en.setDirectory(false);
            out.putArchiveEntry(en);
            out.write(cwe);
            out.closeArchiveEntry();
        }
        assertEquals(Reason.UNSAFE_PATH, refused(sevenZ, Limits.defaults()).reason());
        assertFalse(Files.exists(victim.resolve("owned7z.cwe")));
        assertFalse(Files.exists(victim.resolve("owned")));
        BadPackageException e = refused(zip("win.zip", List.of(Entry.file("..\\..\\owned.cwe", cwe))), Limits.defaults());
        assertEquals(Reason.UNSAFE_PATH, e.reason());
    }

    @Test
    void absolutePathsAreRefused() throws Exception {
        Path target = dir.resolve("abs-owned");
        for (Path p : List.of(tar("abs.tar", List.of(Entry.file(target.toString(), cwe)), null),
                zip("abs.zip", List.of(Entry.file(target.toString(), cwe))),
                zip("drive.zip", List.of(Entry.file("C:\\Windows\\x.cwe", cwe))))) {
            assertEquals(Reason.UNSAFE_PATH, refused(p, Limits.defaults()).reason(), p.toString());
        }
        assertFalse(Files.exists(target));
    }

    @Test
    void linksPointingOutAreRefused() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "secret");
        List<Path> archives = List.of(
                tar("sym.tar", List.of(Entry.symlink("fw/x.cwe", "../../../../../../" + secret)), null),
                tar("symabs.tar", List.of(Entry.symlink("fw/x.cwe", secret.toString())), null),
                tar("hard.tar", List.of(new Entry("fw/x.cwe", null, "../../x", true)), null),
                zip("sym.zip", List.of(Entry.symlink("x.cwe", "/etc/passwd"))));
        for (Path p : archives) {
            assertEquals(Reason.LINK_OUTSIDE, refused(p, Limits.defaults()).reason(), p.toString());
        }
        // a link that stays inside is skipped (never created), with a warning
        try (FirmwarePackage pkg = FirmwarePackage.open(tar("inside.tar", List.of(Entry.file("a.cwe", cwe),
                Entry.symlink("b.cwe", "a.cwe")), null), Limits.defaults())) {
            assertEquals(1, pkg.images().size());
            assertTrue(pkg.problems().stream().anyMatch(pr -> pr.message().contains("link")));
        }
    }

    @Test
    void archiveBombsStopAtTheLimits() throws Exception {
        byte[] zeros = new byte[4 << 20]; // compresses to a few KiB
        Path bomb = zip("bomb.zip", List.of(Entry.file("a.cwe", cwe), Entry.file("zeros.bin", zeros)));
        assertTrue(Files.size(bomb) < 64 * 1024);
        BadPackageException e = refused(bomb, Limits.defaults().withMaxEntryBytes(1 << 20));
        assertEquals(Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().contains("zeros.bin"), e.getMessage());

        Path many = tar("many.tgz", List.of(Entry.file("a.bin", zeros), Entry.file("b.bin", zeros),
                Entry.file("c.bin", zeros)), "gz");
        e = refused(many, Limits.defaults().withMaxTotalBytes(10 << 20));
        assertEquals(Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().contains("archive bomb"), e.getMessage());

        Path count = zip("count.zip", List.of(Entry.file("1", cwe), Entry.file("2", cwe), Entry.file("3", cwe)));
        assertEquals(Reason.TOO_MANY_ENTRIES, refused(count, Limits.defaults().withMaxEntries(2)).reason());
    }

    @Test
    void truncatedArchivesAreNamed() throws Exception {
        List<Entry> good = List.of(Entry.file("SWI9X30C_02.38.00.00.cwe", cwe));
        for (Path p : List.of(tar("t.tar.gz", good, "gz"), zip("t.zip", good), tar("t.tar", good, null),
                tar("t.tar.xz", good, "xz"))) {
            byte[] all = Files.readAllBytes(p);
            Path cut = Files.write(dir.resolve("cut-" + p.getFileName()), Arrays.copyOf(all, all.length / 2));
            BadPackageException e = refused(cut, Limits.defaults());
            assertEquals(Reason.TRUNCATED, e.reason(), cut + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("cut-" + p.getFileName()), e.getMessage());
        }
    }

    @Test
    void unknownContentIsRefused() throws Exception {
        Path p = zip("readme.zip", List.of(Entry.file("README.txt", "hello".getBytes())));
        assertEquals(Reason.UNKNOWN_KIND, refused(p, Limits.defaults()).reason());
        assertEquals(Reason.NOT_FOUND, refused(dir.resolve("nope.zip"), Limits.defaults()).reason());
    }

    @Test
    void sevenZipAndXzArchivesAreHeldToTheSameRules() throws Exception {
        Path secret = dir.resolve("escaped.cwe");
        assertEquals(Reason.UNSAFE_PATH, refused(sevenZ("dotdot.7z", List.of(Entry.file("../escaped.cwe", cwe))),
                Limits.defaults()).reason());
        assertFalse(Files.exists(secret));

        byte[] zeros = new byte[4 << 20];
        BadPackageException e = refused(sevenZ("bomb.7z", List.of(Entry.file("a.cwe", cwe), Entry.file("zeros.bin", zeros))),
                Limits.defaults().withMaxEntryBytes(1 << 20));
        assertEquals(Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().contains("zeros.bin"), e.getMessage());
        e = refused(tar("bomb.tar.xz", List.of(Entry.file("a.bin", zeros), Entry.file("b.bin", zeros),
                Entry.file("c.bin", zeros)), "xz"), Limits.defaults().withMaxTotalBytes(10 << 20));
        assertEquals(Reason.TOO_LARGE, e.reason());

        byte[] all = Files.readAllBytes(sevenZ("t.7z", List.of(Entry.file("SWI9X30C_02.38.00.00.cwe", cwe))));
        Path cut = Files.write(dir.resolve("cut-t.7z"), Arrays.copyOf(all, all.length / 2));
        e = refused(cut, Limits.defaults());
        assertEquals(Reason.TRUNCATED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith("cut-t.7z"), e.getMessage());
    }
}
