package io.modemflash.images;

import io.modemflash.images.cwe.CweBuilder;
import io.modemflash.images.elf.ElfWriter;
import io.modemflash.images.sparse.SparseWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Small packages built in tests (the full samples live in test-vectors). */
final class TestPackages {
    private TestPackages() {
    }

    static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static CweBuilder.Node spkg9x30() {
        String fw = "SWI9X30C_02.38.00.00";
        return CweBuilder.parent("SPKG", "9X30", fw,
                CweBuilder.leaf("BOOT", "9X30", fw, bytes(1, 3000)),
                CweBuilder.parent("APPL", "9X30", fw,
                        CweBuilder.leaf("APPS", "9X30", fw, bytes(2, 5000)),
                        CweBuilder.leaf("SYST", "9X30", fw, bytes(3, 7000))),
                CweBuilder.leaf("MODM", "9X30", fw, bytes(4, 9000)),
                CweBuilder.parent("NVUP", "9X30", "9999999_9904609_SWI9X30C_02.38.00.00_00_GENERIC_002.079_000",
                        CweBuilder.leaf("FILE", "9X30", "NVUP_GENERIC", bytes(5, 1000))));
    }

    static Path writeCwe(Path dir, String name, byte[] data) throws IOException {
        Files.createDirectories(dir);
        return Files.write(dir.resolve(name), data);
    }

    static byte[] programmer() {
        return ElfWriter.elf64(183, 0x14000000L, List.of(
                new ElfWriter.Seg(0, 0x07000000L, 0, 0, new byte[0], 0),
                new ElfWriter.Seg(0, ElfWriter.QCOM_HASH_FLAGS, 0x1000, 0x14010000L, bytes(10, 0x400), 0x1000),
                new ElfWriter.Seg(1, 0x80000005L, 0x2000, 0x14000000L, bytes(11, 0x3000), 0x4000),
                new ElfWriter.Seg(1, 0x80000006L, 0x5000, 0x14020000L, bytes(12, 0x800), 0x800)));
    }

    /**
     * A flat build: programmer, rawprogram0.xml (LUN 0, 512-byte sectors), rawprogram1.xml
     * (LUN 1, 4096-byte sectors, a sparse image), patch0.xml.
     */
    static Path flatBuild(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("images"));
        Files.write(dir.resolve("prog_firehose_ddr.elf"), programmer());
        byte[] modem = bytes(20, 40_000);
        byte[] marker = "QC_IMAGE_VERSION_STRING=MPSS.AT.4.0-00042-SDX_GEN_PACK-1\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(marker, 0, modem, 12_345, marker.length);
        Files.write(dir.resolve("images/modem.img"), modem);
        Files.write(dir.resolve("sbl1.mbn"), bytes(21, 3 * 512 + 100));
        SparseWriter.write(dir.resolve("system.img"), 4096, List.of(
                new SparseWriter.Raw(bytes(22, 2 * 4096)),
                new SparseWriter.Fill(0xA5A5A5A5, 3),
                new SparseWriter.DontCare(5),
                new SparseWriter.Raw(bytes(23, 4096)),
                new SparseWriter.Crc(0x12345678)));
        Files.writeString(dir.resolve("rawprogram0.xml"), """
                <?xml version="1.0" ?>
                <data>
                  <!-- LUN 0: eMMC-style 512-byte sectors -->
                  <program SECTOR_SIZE_IN_BYTES="512" file_sector_offset="0" filename="sbl1.mbn" label="sbl1"
                     num_partition_sectors="0" physical_partition_number="0" size_in_KB="0.0" sparse="false"
                     start_byte_hex="0x4400" start_sector="34" readbackverify="false"/>
                  <program SECTOR_SIZE_IN_BYTES="512" file_sector_offset="0" filename="" label="cache"
                     num_partition_sectors="64" physical_partition_number="0" start_sector="40"/>
                  <program SECTOR_SIZE_IN_BYTES="512" file_sector_offset="2" filename="images\\modem.img" label="modem"
                     num_partition_sectors="100" physical_partition_number="0" start_sector="200"/>
                  <erase SECTOR_SIZE_IN_BYTES="512" physical_partition_number="0" start_sector="400" num_partition_sectors="8" label="fsg"/>
                  <program SECTOR_SIZE_IN_BYTES="512" filename="sbl1.mbn" label="backup_gpt"
                     num_partition_sectors="5" physical_partition_number="0" start_sector="NUM_DISK_SECTORS-5."/>
                </data>
                """);
        Files.writeString(dir.resolve("rawprogram1.xml"), """
                <?xml version="1.0" ?>
                <data>
                  <program SECTOR_SIZE_IN_BYTES="4096" filename="system.img" label="system" sparse="true"
                     num_partition_sectors="0" physical_partition_number="1" start_sector="6"/>
                </data>
                """);
        Files.writeString(dir.resolve("patch0.xml"), """
                <?xml version="1.0" ?>
                <patches>
                  <patch SECTOR_SIZE_IN_BYTES="512" byte_offset="72" filename="DISK" physical_partition_number="0"
                     size_in_bytes="8" start_sector="NUM_DISK_SECTORS-1." value="NUM_DISK_SECTORS-5." what="backup GPT lba"/>
                  <patch SECTOR_SIZE_IN_BYTES="512" byte_offset="88" filename="DISK" physical_partition_number="0"
                     size_in_bytes="4" start_sector="1" value="CRC32(2,4096)" what="crc"/>
                  <patch SECTOR_SIZE_IN_BYTES="512" byte_offset="88" filename="gpt_main0.bin" physical_partition_number="0"
                     size_in_bytes="4" start_sector="1" value="0" what="host file only"/>
                </patches>
                """);
        return dir;
    }

    static Path gobi(Path dir, boolean uqcn) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("amss.mbn"), bytes(30, 20_000));
        Files.write(dir.resolve("apps.mbn"), bytes(31, 10_000));
        if (uqcn) {
            Files.write(dir.resolve("uqcn.mbn"), bytes(32, 2_000));
        }
        return dir;
    }
}
