package io.modemflash.images;

import io.modemflash.images.cwe.CweBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Hostile bytes end in a BadPackageException (or a clean open), never in another
 * exception: seeded random corruption of headers of every format.
 */
class MutationTest {
    @TempDir
    Path dir;

    private void survive(Path pkg, Path file, byte[] original, int headerBytes, long seed) throws Exception {
        Random r = new Random(seed);
        int refused = 0;
        for (int round = 0; round < 200; round++) {
            byte[] b = original.clone();
            int flips = 1 + r.nextInt(4);
            for (int i = 0; i < flips; i++) {
                b[r.nextInt(Math.min(headerBytes, b.length))] = (byte) r.nextInt(256);
            }
            if (r.nextInt(5) == 0) {
                b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            Files.write(file, b);
            try (FirmwarePackage p = FirmwarePackage.open(pkg, Limits.defaults())) {
                assertNotNull(p.kind());
            } catch (BadPackageException e) {
                refused++;
                assertFalse(e.getMessage().isBlank());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            } catch (Exception e) {
                fail("round " + round + ": " + e, e);
            }
        }
        assertTrue(refused > 0, "some corruptions must be refused");
    }

    @Test
    void cweHeaders() throws Exception {
        byte[] cwe = CweBuilder.build(TestPackages.spkg9x30());
        Path f = dir.resolve("SWI9X30C_02.38.00.00.spk");
        // the headers of the first levels live in the first few KiB
        survive(f, f, cwe, 1600, 1);
    }

    @Test
    void programmerSparseAndXml() throws Exception {
        Path pkg = TestPackages.flatBuild(dir.resolve("flat"));
        survive(pkg, pkg.resolve("prog_firehose_ddr.elf"), Files.readAllBytes(pkg.resolve("prog_firehose_ddr.elf")), 400, 2);
        TestPackages.flatBuild(pkg);
        survive(pkg, pkg.resolve("system.img"), Files.readAllBytes(pkg.resolve("system.img")), 80, 3);
        TestPackages.flatBuild(pkg);
        survive(pkg, pkg.resolve("rawprogram0.xml"), Files.readAllBytes(pkg.resolve("rawprogram0.xml")), 2000, 4);
        TestPackages.flatBuild(pkg);
        survive(pkg, pkg.resolve("patch0.xml"), Files.readAllBytes(pkg.resolve("patch0.xml")), 2000, 5);
    }

    @Test
    void archives() throws Exception {
        Path src = TestPackages.flatBuild(dir.resolve("src"));
        Path zip = dir.resolve("p.zip");
        try (var z = new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(zip.toFile())) {
            try (var s = Files.list(src)) {
                for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                    z.putArchiveEntry(new org.apache.commons.compress.archivers.zip.ZipArchiveEntry(f.getFileName().toString()));
                    z.write(Files.readAllBytes(f));
                    z.closeArchiveEntry();
                }
            }
        }
        byte[] all = Files.readAllBytes(zip);
        Path mutated = dir.resolve("m.zip");
        survive(mutated, mutated, all, all.length, 6);
    }
}
