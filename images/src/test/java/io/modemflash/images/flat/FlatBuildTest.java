package io.modemflash.images.flat;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.ImageType;
import io.modemflash.images.Limits;
import io.modemflash.images.PackageKind;
import io.modemflash.images.Protocol;
import io.modemflash.images.TestPackagesAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.*;

class FlatBuildTest {
    @TempDir
    Path dir;

    @Test
    void sectorExpressions() {
        SectorExpr e = new SectorExpr("NUM_DISK_SECTORS-5.");
        assertEquals("NUM_DISK_SECTORS-5.", e.text());
        assertTrue(e.dependsOnDiskSize());
        assertTrue(e.constant().isEmpty());
        assertEquals(OptionalLong.of(995), e.evaluate(1000));
        assertEquals(OptionalLong.of(34), new SectorExpr("34").constant());
        assertEquals(OptionalLong.of(34), new SectorExpr("34.").constant());
        assertEquals(OptionalLong.of(0x4400), new SectorExpr("0x4400").constant());
        assertEquals(OptionalLong.of(-1), new SectorExpr("-1").constant());
        assertEquals(OptionalLong.of(1033), new SectorExpr("NUM_DISK_SECTORS - 1. + 34").evaluate(1000));
        assertTrue(new SectorExpr("CRC32(2,4096)").evaluate(1000).isEmpty());
        assertTrue(new SectorExpr("5-").constant().isEmpty());
        assertTrue(new SectorExpr("").constant().isEmpty());
        assertTrue(new SectorExpr("99999999999999999999999").constant().isEmpty());
    }

    @Test
    void readsEveryOperationInOrder() throws Exception {
        TestPackagesAccess.flatBuild(dir);
        try (FirmwarePackage pkg = FirmwarePackage.open(dir, Limits.defaults())) {
            assertEquals(PackageKind.QUALCOMM_FLAT, pkg.kind());
            assertEquals(Protocol.QUALCOMM_EDL, pkg.protocol());
            assertEquals("MPSS.AT.4.0-00042-SDX_GEN_PACK-1", pkg.firmwareVersion());
            FlatBuild fb = pkg.flatBuild().orElseThrow();
            assertEquals("prog_firehose_ddr.elf", fb.programmer().name());
            assertEquals(ImageType.FIREHOSE_PROGRAMMER, fb.programmer().type());
            assertEquals(List.of("rawprogram0.xml", "rawprogram1.xml"), fb.rawprogramFiles());
            List<FlatOp> ops = fb.operations();
            // 4 programs (empty filename skipped), 1 erase, then 3 patches
            assertEquals(List.of("Program", "Program", "Erase", "Program", "Program", "Patch", "Patch", "Patch"),
                    ops.stream().map(o -> o.getClass().getSimpleName()).toList());

            FlatOp.Program sbl = (FlatOp.Program) ops.get(0);
            assertEquals(4, sbl.numSectors(), "num_partition_sectors=0 sized from the file (1636 bytes)");
            assertEquals("sbl1", sbl.label());
            assertEquals("0x4400", sbl.attributes().get("start_byte_hex"));
            assertEquals("false", sbl.attributes().get("readbackverify"));
            assertEquals(0, fb.bootableLun());

            FlatOp.Program modem = (FlatOp.Program) ops.get(1);
            assertEquals("images/modem.img", modem.image().name(), "Windows path resolved");
            assertEquals(2, modem.fileSectorOffset());
            assertEquals(40_000 - 2 * 512, modem.fileBytes(), "the rest of the 100 sectors is padding");

            FlatOp.Erase erase = (FlatOp.Erase) ops.get(2);
            assertEquals(8, erase.numSectors());

            FlatOp.Program gpt = (FlatOp.Program) ops.get(3);
            assertEquals("NUM_DISK_SECTORS-5.", gpt.startSector().text());
            assertEquals(OptionalLong.of(1_000_000 - 5), gpt.startSector().evaluate(1_000_000));

            FlatOp.Program system = (FlatOp.Program) ops.get(4);
            assertEquals(1, system.lun());
            assertEquals(4096, system.sectorSize());
            assertTrue(system.sparse());
            assertEquals(ImageType.ANDROID_SPARSE, system.image().type());
            assertEquals(11, system.numSectors(), "sparse: sized from the expanded image");

            FlatOp.Patch p0 = (FlatOp.Patch) ops.get(5);
            assertTrue(p0.toDevice());
            assertEquals(72, p0.byteOffset());
            assertEquals(8, p0.sizeInBytes());
            assertEquals("NUM_DISK_SECTORS-5.", p0.value().text());
            assertFalse(((FlatOp.Patch) ops.get(7)).toDevice());
            assertEquals(java.util.Set.of(0, 1), fb.luns());
        }
    }

    @Test
    void sparseProgramsBecomeSectorRuns() throws Exception {
        TestPackagesAccess.flatBuild(dir);
        try (FirmwarePackage pkg = FirmwarePackage.open(dir, Limits.defaults())) {
            FlatOp.Program system = pkg.flatBuild().orElseThrow().programs().get(3);
            List<long[]> runs = new java.util.ArrayList<>();
            system.forEachSparseRun(r -> runs.add(new long[] {r.startSector(), r.sectors(), r.chunk().type().code}));
            // RAW 2 blocks at 0, FILL 3 at 2, DONT_CARE 5 (no write), RAW 1 at 10; placed at sector 6
            assertEquals(List.of("6+2:CAC1", "8+3:CAC2", "16+1:CAC1"),
                    runs.stream().map(r -> r[0] + "+" + r[1] + ":" + Long.toHexString(r[2]).toUpperCase()).toList());
            FlatOp.Program raw = pkg.flatBuild().orElseThrow().programs().get(0);
            assertThrows(IllegalStateException.class, () -> raw.forEachSparseRun(r -> { }));
        }
        // 512-byte sectors: each 4096-byte block is 8 sectors
        Files.writeString(dir.resolve("rawprogram1.xml"), "<data><program SECTOR_SIZE_IN_BYTES=\"512\" "
                + "filename=\"system.img\" sparse=\"true\" physical_partition_number=\"1\" start_sector=\"6\" "
                + "num_partition_sectors=\"0\"/></data>");
        try (FirmwarePackage pkg = FirmwarePackage.open(dir, Limits.defaults())) {
            FlatOp.Program system = pkg.flatBuild().orElseThrow().programs().get(3);
            assertEquals(88, system.numSectors());
            List<String> runs = new java.util.ArrayList<>();
            system.forEachSparseRun(r -> runs.add(r.startSector() + "+" + r.sectors()));
            assertEquals(List.of("6+16", "22+24", "86+8"), runs);
        }
    }

    @Test
    void absurdNumbersAreRefusedNotOverflowed() throws Exception {
        TestPackagesAccess.flatBuild(dir);
        Files.writeString(dir.resolve("rawprogram1.xml"), "<data><program SECTOR_SIZE_IN_BYTES=\"512\" "
                + "filename=\"system.img\" file_sector_offset=\"9223372036854775807\" start_sector=\"0\"/></data>");
        BadPackageException e = assertThrows(BadPackageException.class,
                () -> FirmwarePackage.open(dir, Limits.defaults()).close());
        assertEquals(Reason.OVERRUN, e.reason());
        Files.writeString(dir.resolve("rawprogram1.xml"), "<data><program SECTOR_SIZE_IN_BYTES=\"512\" "
                + "filename=\"system.img\" num_partition_sectors=\"9223372036854775807\" start_sector=\"0\"/></data>");
        e = assertThrows(BadPackageException.class, () -> FirmwarePackage.open(dir, Limits.defaults()).close());
        assertEquals(Reason.XML_INVALID, e.reason());
    }

    @Test
    void programmersNotNamedProgAreFound() throws Exception {
        TestPackagesAccess.flatBuild(dir);
        Files.move(dir.resolve("prog_firehose_ddr.elf"), dir.resolve("xbl_s_devprg_ns.melf"));
        try (FirmwarePackage pkg = FirmwarePackage.open(dir, Limits.defaults())) {
            assertEquals("xbl_s_devprg_ns.melf", pkg.flatBuild().orElseThrow().programmer().name());
        }
    }

    @Test
    void nandOrderErasesSectorZeroFirstAndProgramsItLast() throws Exception {
        TestPackagesAccess.flatBuild(dir);
        Files.writeString(dir.resolve("rawprogram1.xml"), "<data><program SECTOR_SIZE_IN_BYTES=\"4096\" "
                + "filename=\"sbl1.mbn\" label=\"sbl\" physical_partition_number=\"0\" start_sector=\"0\" "
                + "num_partition_sectors=\"4\"/></data>");
        try (FirmwarePackage pkg = FirmwarePackage.open(dir, Limits.defaults())) {
            FlatBuild fb = pkg.flatBuild().orElseThrow();
            List<FlatOp> nand = fb.operationsForNand();
            assertEquals(fb.operations().size() + 1, nand.size());
            FlatOp.Erase first = (FlatOp.Erase) nand.get(0);
            assertEquals(4, first.numSectors());
            assertEquals("0", first.startSector().text());
            int lastProgram = -1;
            for (int i = 0; i < nand.size(); i++) {
                if (!(nand.get(i) instanceof FlatOp.Patch)) {
                    lastProgram = i;
                }
            }
            FlatOp.Program sbl = (FlatOp.Program) nand.get(lastProgram);
            assertEquals("sbl", sbl.label());
            assertTrue(nand.subList(lastProgram + 1, nand.size()).stream().allMatch(FlatOp.Patch.class::isInstance));
        }
    }

    @Test
    void imagesBiggerThanTheirPartition() throws Exception {
        TestPackagesAccess.flatBuild(dir);
        Files.writeString(dir.resolve("rawprogram1.xml"), "<data><program SECTOR_SIZE_IN_BYTES=\"4096\" "
                + "filename=\"system.img\" sparse=\"true\" physical_partition_number=\"1\" start_sector=\"0\" "
                + "num_partition_sectors=\"10\"/></data>");
        BadPackageException e = assertThrows(BadPackageException.class,
                () -> FirmwarePackage.open(dir, Limits.defaults()).close());
        assertEquals(Reason.OVERRUN, e.reason());
        assertTrue(e.getMessage().contains("expands to 45056 bytes"), e.getMessage());
        Files.writeString(dir.resolve("rawprogram1.xml"), "<data><program SECTOR_SIZE_IN_BYTES=\"512\" "
                + "filename=\"sbl1.mbn\" physical_partition_number=\"1\" start_sector=\"0\" "
                + "num_partition_sectors=\"2\"/></data>");
        try (FirmwarePackage pkg = FirmwarePackage.open(dir, Limits.defaults())) {
            assertTrue(pkg.problems().stream().anyMatch(p -> p.message().contains("only that much is written")));
            assertEquals(2, pkg.flatBuild().orElseThrow().programs().get(3).sectorsToWrite());
        }
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        TestPackagesAccess.flatBuild(dir);
        Files.delete(dir.resolve("images/modem.img"));
        BadPackageException e = assertThrows(BadPackageException.class,
                () -> FirmwarePackage.open(dir, Limits.defaults()).close());
        assertEquals(Reason.MISSING_FILE, e.reason());
        assertTrue(e.getMessage().contains("rawprogram0.xml#3"), e.getMessage());
        assertTrue(e.getMessage().contains("images\\modem.img"), e.getMessage());
    }

    @Test
    void windowsParentPathsResolveFromTheXmlFolder() throws Exception {
        TestPackagesAccess.flatBuild(dir);
        Files.delete(dir.resolve("rawprogram1.xml"));
        Files.createDirectories(dir.resolve("meta"));
        Files.writeString(dir.resolve("meta/rawprogram1.xml"), "<data><program SECTOR_SIZE_IN_BYTES=\"4096\" "
                + "filename=\"..\\images\\modem.img\" physical_partition_number=\"1\" start_sector=\"0\" "
                + "num_partition_sectors=\"0\"/></data>");
        try (FirmwarePackage pkg = FirmwarePackage.open(dir, Limits.defaults())) {
            FlatOp.Program p = pkg.flatBuild().orElseThrow().programs().get(3);
            assertEquals("..\\images\\modem.img", p.filename());
            assertEquals("images/modem.img", p.image().name());
            assertEquals(10, p.numSectors()); // 40 000 bytes in 4096-byte sectors
        }
    }

    @Test
    void aFilenameClimbingOutIsRefused() throws Exception {
        Path pkg = dir.resolve("pkg");
        TestPackagesAccess.flatBuild(pkg);
        Files.writeString(dir.resolve("outside.bin"), "x");
        Files.writeString(pkg.resolve("rawprogram1.xml"), "<data><program SECTOR_SIZE_IN_BYTES=\"512\" "
                + "filename=\"..\\outside.bin\" physical_partition_number=\"1\" start_sector=\"0\" "
                + "num_partition_sectors=\"1\"/></data>");
        BadPackageException e = assertThrows(BadPackageException.class,
                () -> FirmwarePackage.open(pkg, Limits.defaults()).close());
        assertEquals(Reason.UNSAFE_PATH, e.reason());
    }

    @Test
    void aFolderLinkedToOutsideThePackageIsRefused() throws Exception {
        Path pkg = dir.resolve("pkg");
        TestPackagesAccess.flatBuild(pkg);
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("secret.img"), "not firmware: a file the package must not reach");
        Files.createSymbolicLink(pkg.resolve("linked"), elsewhere);
        Files.writeString(pkg.resolve("rawprogram1.xml"), "<data><program SECTOR_SIZE_IN_BYTES=\"512\" "
                + "filename=\"linked/secret.img\" physical_partition_number=\"1\" start_sector=\"0\" "
                + "num_partition_sectors=\"1\"/></data>");
        BadPackageException e = assertThrows(BadPackageException.class,
                () -> FirmwarePackage.open(pkg, Limits.defaults()).close());
        assertEquals(Reason.LINK_OUTSIDE, e.reason());
        assertTrue(e.getMessage().contains("linked/secret.img"), e.getMessage());
    }

    @Test
    void aFolderLinkedInsideThePackageIsFollowed() throws Exception {
        Path pkg = dir.resolve("pkg");
        TestPackagesAccess.flatBuild(pkg);
        Files.createDirectories(pkg.resolve("real"));
        Files.move(pkg.resolve("system.img"), pkg.resolve("real/system.img"));
        Files.createSymbolicLink(pkg.resolve("linked"), pkg.resolve("real"));
        Files.writeString(pkg.resolve("rawprogram1.xml"), Files.readString(pkg.resolve("rawprogram1.xml"))
                .replace("filename=\"system.img\"", "filename=\"linked/system.img\""));
        FirmwarePackage.open(pkg, Limits.defaults()).close();
    }

    @Test
    void badNumbersAreOneLineErrors() throws Exception {
        TestPackagesAccess.flatBuild(dir);
        Files.writeString(dir.resolve("rawprogram1.xml"), "<data><program SECTOR_SIZE_IN_BYTES=\"0\" "
                + "filename=\"system.img\" start_sector=\"0\"/></data>");
        BadPackageException e = assertThrows(BadPackageException.class,
                () -> FirmwarePackage.open(dir, Limits.defaults()).close());
        assertEquals(Reason.XML_INVALID, e.reason());
        Files.writeString(dir.resolve("rawprogram1.xml"), "<data><program SECTOR_SIZE_IN_BYTES=\"512\" "
                + "filename=\"system.img\" start_sector=\"0\" num_partition_sectors=\"lots\"/></data>");
        e = assertThrows(BadPackageException.class, () -> FirmwarePackage.open(dir, Limits.defaults()).close());
        assertEquals(Reason.XML_INVALID, e.reason());
        assertTrue(e.getMessage().contains("num_partition_sectors=\"lots\""), e.getMessage());
    }

    @Test
    void xmlFilesAreTakenInNumericOrderWhateverTheirNumber() throws Exception {
        TestPackagesAccess.flatBuild(dir);
        Files.move(dir.resolve("rawprogram1.xml"), dir.resolve("rawprogram99999999999999999999999.xml"));
        Files.copy(dir.resolve("rawprogram0.xml"), dir.resolve("rawprogram10.xml"));
        Files.move(dir.resolve("rawprogram0.xml"), dir.resolve("rawprogram2.xml"));
        try (FirmwarePackage pkg = FirmwarePackage.open(dir, Limits.defaults())) {
            assertEquals(List.of("rawprogram2.xml", "rawprogram10.xml", "rawprogram99999999999999999999999.xml"),
                    pkg.flatBuild().orElseThrow().rawprogramFiles());
        }
    }

    @Test
    void noProgrammerIsAnError() throws Exception {
        TestPackagesAccess.flatBuild(dir);
        Files.delete(dir.resolve("prog_firehose_ddr.elf"));
        BadPackageException e = assertThrows(BadPackageException.class,
                () -> FirmwarePackage.open(dir, Limits.defaults()).close());
        assertEquals(Reason.INCOMPLETE, e.reason());
    }
}
