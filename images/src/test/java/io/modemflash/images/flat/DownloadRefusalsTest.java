package io.modemflash.images.flat;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.Problem;
import io.modemflash.images.elf.ElfWriter;
import io.modemflash.images.sparse.SparseWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14 item 5: what the download would refuse mid-way (the device in download mode, LUNs
 * half written) inspection refuses before anything is sent.
 */
class DownloadRefusalsTest {
    @TempDir
    Path dir;

    private static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] programmer(long hashOffset, long hashSize) {
        return ElfWriter.elf64(183, 0x14000000L, List.of(
                new ElfWriter.Seg(0, 0x07000000L, 0, 0, new byte[0], 0),
                new ElfWriter.Seg(0, ElfWriter.QCOM_HASH_FLAGS, 0x1000, 0x14010000L, bytes(10, (int) hashSize), 0x1000),
                new ElfWriter.Seg(1, 0x80000005L, 0x2000, 0x14000000L, bytes(11, 0x3000), 0x4000)));
    }

    /** A flat build with one rawprogram entry (and the given programmer). */
    private Path build(String name, String program, byte[] programmer, int sparseBlock) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.write(d.resolve("prog_firehose_ddr.elf"), programmer);
        Files.write(d.resolve("modem.img"), bytes(1, 20_000));
        SparseWriter.write(d.resolve("system.img"), sparseBlock, List.of(new SparseWriter.Raw(bytes(2, 2 * sparseBlock)),
                new SparseWriter.Fill(0x5A5A5A5A, 3)));
        Files.writeString(d.resolve("rawprogram0.xml"), "<?xml version=\"1.0\" ?>\n<data>\n  " + program + "\n</data>\n");
        return d;
    }

    private Problem refused(Path pkg) {
        BadPackageException e = assertThrows(BadPackageException.class, () -> FirmwarePackage.open(pkg, Limits.defaults()).close());
        assertFalse(e.problems().isEmpty(), e.getMessage());
        return e.problems().stream().filter(Problem::isError).findFirst().orElseThrow();
    }

    @Test
    void aPlainBuildOpens() throws Exception {
        Path ok = build("ok", "<program SECTOR_SIZE_IN_BYTES=\"4096\" filename=\"system.img\" sparse=\"true\" "
                + "num_partition_sectors=\"0\" physical_partition_number=\"1\" start_sector=\"6\"/>", programmer(0x1000, 0x400), 4096);
        try (FirmwarePackage p = FirmwarePackage.open(ok, Limits.defaults())) {
            assertEquals(1, p.flatBuild().orElseThrow().programs().size());
        }
    }

    @Test
    void aSparseImageAtAComputedStartSector() throws Exception {
        Problem p = refused(build("computed", "<program SECTOR_SIZE_IN_BYTES=\"4096\" filename=\"system.img\" sparse=\"true\" "
                + "num_partition_sectors=\"0\" physical_partition_number=\"0\" start_sector=\"NUM_DISK_SECTORS-200.\"/>",
                programmer(0x1000, 0x400), 4096));
        assertEquals(Reason.UNSUPPORTED, p.reason());
        assertTrue(p.message().contains("at the computed start sector NUM_DISK_SECTORS-200."), p.message());
    }

    @Test
    void sparseBlocksThatAreNotWholeSectors() throws Exception {
        Problem p = refused(build("block4", "<program SECTOR_SIZE_IN_BYTES=\"512\" filename=\"system.img\" sparse=\"true\" "
                + "num_partition_sectors=\"0\" physical_partition_number=\"0\" start_sector=\"6\"/>", programmer(0x1000, 0x400), 4));
        assertTrue(p.message().contains("has 4-byte blocks, not a multiple of SECTOR_SIZE_IN_BYTES 512"), p.message());
        p = refused(build("sector64k", "<program SECTOR_SIZE_IN_BYTES=\"65536\" filename=\"system.img\" sparse=\"true\" "
                + "num_partition_sectors=\"0\" physical_partition_number=\"0\" start_sector=\"6\"/>", programmer(0x1000, 0x400), 4096));
        assertTrue(p.message().contains("SECTOR_SIZE_IN_BYTES 65536 is not a storage sector size"), p.message());
    }

    @Test
    void aLunTheDeviceDoesNotHave() throws Exception {
        Problem p = refused(build("lun", "<program SECTOR_SIZE_IN_BYTES=\"512\" filename=\"modem.img\" "
                + "num_partition_sectors=\"0\" physical_partition_number=\"-1\" start_sector=\"6\"/>", programmer(0x1000, 0x400), 4096));
        assertEquals(Reason.XML_INVALID, p.reason());
        assertTrue(p.message().contains("physical_partition_number -1 is not a LUN (0-7)"), p.message());
    }

    @Test
    void aFillChunkClaimingATebibyte() throws Exception {
        Path d = build("fill", "<program SECTOR_SIZE_IN_BYTES=\"4096\" filename=\"big.img\" sparse=\"true\" "
                + "num_partition_sectors=\"0\" physical_partition_number=\"0\" start_sector=\"0\"/>", programmer(0x1000, 0x400), 4096);
        SparseWriter.write(d.resolve("big.img"), 4096, List.of(new SparseWriter.Fill(0x11111111, (1L << 40) / 4096)));
        Problem p = refused(d);
        assertEquals(Reason.OVERRUN, p.reason(), p.message());
        assertTrue(p.message().contains("more than any modem's storage"), p.message());
    }

    @Test
    void aProgrammerWhoseHashSegmentABootLoaderCannotRead() throws Exception {
        byte[] prog = programmer(0x1000, 0x400);
        // the hash segment (index 1) of an ELF64: p_offset at 64 + 56 + 8, p_filesz at 64 + 56 + 32
        java.nio.ByteBuffer.wrap(prog).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(64 + 56 + 8, -1L).putLong(64 + 56 + 32, 0);
        Problem p = refused(build("hash", "<program SECTOR_SIZE_IN_BYTES=\"512\" filename=\"modem.img\" "
                + "num_partition_sectors=\"0\" physical_partition_number=\"0\" start_sector=\"6\"/>", prog, 4096));
        assertEquals(Reason.OVERRUN, p.reason(), p.message());
        assertTrue(p.message().contains("ELF segment 1 at offset 0xffffffffffffffff"), p.message());
    }
}
