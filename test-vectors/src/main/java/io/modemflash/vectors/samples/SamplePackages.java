package io.modemflash.vectors.samples;

import io.modemflash.images.cwe.CweBuilder;
import io.modemflash.images.elf.ElfWriter;
import io.modemflash.images.sparse.SparseWriter;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Sample firmware packages of every kind, built byte for byte the same on every run from
 * documented layouts (see test-vectors/SAMPLES.md). Real firmware is proprietary and never
 * enters the repository; these are what tests, the emulator and demos flash.
 *
 * <p>Run {@code main} with a directory to write them all there.
 */
public final class SamplePackages {
    // ---------------------------------------------------------------- MC7455 (9X30, Sierra QDL)
    public static final String MC7455_DIR = "mc7455";
    public static final String MC7455_FILE = "SWI9X30C_02.38.00.00_GENERIC_002.079_000.spk";
    public static final String MC7455_FIRMWARE = "02.38.00.00";
    public static final String MC7455_CONFIG = "002.079_000";
    public static final String MC7455_CARRIER = "GENERIC";

    // ---------------------------------------------------------------- EM7565 (9X50, Sierra Firehose)
    public static final String EM7565_DIR = "em7565";
    public static final String EM7565_CWE = "SWI9X50C_01.14.04.00.cwe";
    public static final String EM7565_NVU = "SWI9X50C_01.14.04.00_GENERIC_001.045_000.nvu";
    public static final String EM7565_FIRMWARE = "01.14.04.00";
    public static final String EM7565_CONFIG = "001.045_000";
    public static final String EM7565_CARRIER = "GENERIC";

    // ---------------------------------------------------------------- Qualcomm flat build (EDL)
    public static final String EDL_DIR = "edl";
    public static final String EDL_ZIP = "edl.zip";
    public static final String EDL_TAR_GZ = "edl.tar.gz";
    public static final String EDL_PROGRAMMER = "prog_firehose_ddr.elf";
    public static final String EDL_FIRMWARE = "MPSS.AT.4.0-00042-SDX_GEN_PACK-1";
    /** Both LUNs use 4096-byte sectors. */
    public static final int EDL_SECTOR_SIZE = 4096;
    /** The LUN sizes the samples are laid out for (8 MiB each); NUM_DISK_SECTORS evaluates to this. */
    public static final long EDL_LUN_SECTORS = 2048;

    // ---------------------------------------------------------------- Gobi 2000
    public static final String GOBI2K_DIR = "gobi2k";

    private static final FileTime EPOCH = FileTime.fromMillis(1_700_000_000_000L);

    private SamplePackages() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("--em7565-modem-mib")) {
            System.out.println(em7565Large(Path.of(args[2]), Integer.parseInt(args[1])));
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: SamplePackages DIR | SamplePackages --em7565-modem-mib MIB DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        writeAll(dir);
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).sorted().forEach(p -> System.out.println(dir.relativize(p)));
        }
    }

    /** Writes every sample (and the archive variants) under {@code dir}. */
    public static void writeAll(Path dir) throws IOException {
        mc7455(dir);
        em7565(dir);
        edl(dir);
        edlZip(dir);
        edlTarGz(dir);
        gobi2k(dir);
    }

    static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Random bytes with a Qualcomm version marker at {@code at}. */
    static byte[] withMarker(long seed, int n, int at, String version) {
        byte[] b = bytes(seed, n);
        byte[] m = ("QC_IMAGE_VERSION_STRING=" + version + "\0").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(m, 0, b, at, m.length);
        return b;
    }

    // ---------------------------------------------------------------- Sierra

    /**
     * {@code mc7455/SWI9X30C_02.38.00.00_GENERIC_002.079_000.spk}: one SPKG for product 9X30
     * holding BOOT, APPL (APPS + SYST), MODM and NVUP (one FILE), every CRC valid.
     */
    public static Path mc7455(Path dir) throws IOException {
        String fw = "SWI9X30C_" + MC7455_FIRMWARE;
        String pri = "9999999_9904609_SWI9X30C_" + MC7455_FIRMWARE + "_00_" + MC7455_CARRIER + "_" + MC7455_CONFIG;
        CweBuilder.Node tree = CweBuilder.parent("SPKG", "9X30", fw,
                CweBuilder.leaf("BOOT", "9X30", fw, bytes(7455_1, 24 * 1024)),
                CweBuilder.parent("APPL", "9X30", fw,
                        CweBuilder.leaf("APPS", "9X30", fw, bytes(7455_2, 40 * 1024)),
                        CweBuilder.leaf("SYST", "9X30", fw, bytes(7455_3, 56 * 1024))),
                CweBuilder.leaf("MODM", "9X30", fw, bytes(7455_4, 96 * 1024 + 123)),
                CweBuilder.parent("NVUP", "9X30", pri,
                        CweBuilder.leaf("FILE", "9X30", "NVUP_" + MC7455_CARRIER, bytes(7455_5, 3000))));
        Path d = Files.createDirectories(dir.resolve(MC7455_DIR));
        return Files.write(d.resolve(MC7455_FILE), CweBuilder.build(tree));
    }

    /**
     * {@code em7565/}: a 9X50 firmware CWE (SPKG with BOOT, APPL, MODM) and its carrier
     * NVU (NVUP with two FILEs).
     */
    public static Path em7565(Path dir) throws IOException {
        String fw = "SWI9X50C_" + EM7565_FIRMWARE;
        Path d = Files.createDirectories(dir.resolve(EM7565_DIR));
        Files.write(d.resolve(EM7565_CWE), CweBuilder.build(CweBuilder.parent("SPKG", "9X50", fw,
                CweBuilder.leaf("BOOT", "9X50", fw, bytes(7565_1, 32 * 1024)),
                CweBuilder.leaf("APPL", "9X50", fw, bytes(7565_2, 64 * 1024)),
                CweBuilder.leaf("MODM", "9X50", fw, bytes(7565_3, 128 * 1024 + 77)))));
        Files.write(d.resolve(EM7565_NVU), em7565Nvu());
        return d;
    }

    private static byte[] em7565Nvu() {
        String pri = "9999999_9907259_SWI9X50C_" + EM7565_FIRMWARE + "_00_" + EM7565_CARRIER + "_" + EM7565_CONFIG;
        return CweBuilder.build(CweBuilder.parent("NVUP", "9X50", pri,
                CweBuilder.leaf("FILE", "9X50", "NVUP_" + EM7565_CARRIER, bytes(7565_4, 2000)),
                CweBuilder.leaf("FILE", "9X50", "NVUP_" + EM7565_CARRIER, bytes(7565_5, 1500))));
    }

    /**
     * {@code em7565-MIBmib/}: the EM7565 sample with a MODM of {@code mib} MiB (random bytes), the
     * same firmware version and NVU: one large image for side-by-side runs of modemflash and
     * qmi-firmware-update (bench scenario 04).
     */
    public static Path em7565Large(Path dir, int mib) throws IOException {
        String fw = "SWI9X50C_" + EM7565_FIRMWARE;
        Path d = Files.createDirectories(dir.resolve(EM7565_DIR + "-" + mib + "mib"));
        Files.write(d.resolve(EM7565_CWE), CweBuilder.build(CweBuilder.parent("SPKG", "9X50", fw,
                CweBuilder.leaf("BOOT", "9X50", fw, bytes(7565_1, 32 * 1024)),
                CweBuilder.leaf("APPL", "9X50", fw, bytes(7565_2, 64 * 1024)),
                CweBuilder.leaf("MODM", "9X50", fw, bytes(7565_6, mib << 20)))));
        Files.write(d.resolve(EM7565_NVU), em7565Nvu());
        return d;
    }

    // ---------------------------------------------------------------- Qualcomm flat build

    /** Layout of LUN 0 (sectors of 4096 bytes). */
    static final long SBL1_START = 6, SBL1_SECTORS = 64;
    static final long MODEM_START = 70, MODEM_SECTORS = 1024;
    static final long FSG_START = 1094, FSG_SECTORS = 64;
    static final long USERDATA_START = 1158;
    /** Layout of LUN 1. */
    static final long SYSTEM_START = 8;
    static final long PERSIST_START = 600, PERSIST_SECTORS = 4;
    static final long EFS_START = 512, EFS_SECTORS = 16;

    /**
     * {@code edl/}: a Qualcomm flat build for two LUNs: the programmer, rawprogram0.xml,
     * patch0.xml, a GPT for LUN 0 (main and backup, completed by patches), sbl1.mbn,
     * modem.img (carries the firmware version marker) and an Android sparse system.img on LUN 1.
     */
    public static Path edl(Path dir) throws IOException {
        Path d = Files.createDirectories(dir.resolve(EDL_DIR));
        Files.write(d.resolve(EDL_PROGRAMMER), programmer());
        Files.write(d.resolve("sbl1.mbn"), bytes(9001, 50_000));
        Files.write(d.resolve("modem.img"), withMarker(9002, 300_000, 123_457, EDL_FIRMWARE));
        Gpt gpt = new Gpt(List.of(
                new Gpt.Part("sbl1", SBL1_START, SBL1_START + SBL1_SECTORS - 1),
                new Gpt.Part("modem", MODEM_START, MODEM_START + MODEM_SECTORS - 1),
                new Gpt.Part("fsg", FSG_START, FSG_START + FSG_SECTORS - 1),
                new Gpt.Part("userdata", USERDATA_START, 0))); // last LBA patched to the disk size
        Files.write(d.resolve("gpt_main0.bin"), gpt.main());
        Files.write(d.resolve("gpt_backup0.bin"), gpt.backup());
        SparseWriter.write(d.resolve("system.img"), EDL_SECTOR_SIZE, List.of(
                new SparseWriter.Raw(bytes(9003, 16 * 4096)),
                new SparseWriter.Fill(0x5A5A0FF0, 32),
                new SparseWriter.DontCare(64),
                new SparseWriter.Raw(bytes(9004, 8 * 4096)),
                new SparseWriter.Crc(0x1C2D3E4F)));
        Files.writeString(d.resolve("rawprogram0.xml"), rawprogram());
        Files.writeString(d.resolve("patch0.xml"), patch());
        return d;
    }

    /** The programmer: ELF64 AArch64, a hash segment at 0x1000 and two loadable segments. */
    static byte[] programmer() {
        byte[] text = bytes(9010, 0x3000);
        byte[] banner = "Firehose sample programmer (modemflash test vector)".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(banner, 0, text, 0, banner.length);
        return ElfWriter.elf64(183, 0x14680000L, List.of(
                new ElfWriter.Seg(0, 0x07000000L, 0, 0, new byte[0], 0), // the ELF+phdr "segment"
                new ElfWriter.Seg(0, ElfWriter.QCOM_HASH_FLAGS, 0x1000, 0x14690000L, bytes(9011, 0x6A8), 0x1000),
                new ElfWriter.Seg(1, 0x80000005L, 0x2000, 0x14680000L, text, 0x3000),
                new ElfWriter.Seg(1, 0x80000006L, 0x5000, 0x14684000L, bytes(9012, 0x900), 0x2000)));
    }

    private static String program(String file, String label, int lun, String start, long num, long fileOffset,
                                  boolean sparse) {
        return String.format("  <program SECTOR_SIZE_IN_BYTES=\"%d\" file_sector_offset=\"%d\" filename=\"%s\" "
                        + "label=\"%s\" num_partition_sectors=\"%d\" physical_partition_number=\"%d\" "
                        + "size_in_KB=\"%.1f\" sparse=\"%s\" start_byte_hex=\"%s\" start_sector=\"%s\"/>%n",
                EDL_SECTOR_SIZE, fileOffset, file, label, num, lun, num * EDL_SECTOR_SIZE / 1024.0, sparse,
                start.startsWith("NUM") ? "(" + EDL_SECTOR_SIZE + "*(" + start + "))"
                        : "0x" + Long.toHexString(Long.parseLong(start) * EDL_SECTOR_SIZE), start);
    }

    static String rawprogram() {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" ?>\n<data>\n");
        x.append("  <!-- LUN 0: GPT, bootloader, modem, an erased partition, userdata (no file) -->\n");
        x.append(program("gpt_main0.bin", "PrimaryGPT", 0, "0", 6, 0, false));
        x.append(program("sbl1.mbn", "sbl1", 0, Long.toString(SBL1_START), SBL1_SECTORS, 0, false));
        x.append(program("modem.img", "modem", 0, Long.toString(MODEM_START), 0, 0, false));
        x.append(String.format("  <erase SECTOR_SIZE_IN_BYTES=\"%d\" label=\"fsg\" num_partition_sectors=\"%d\" "
                + "physical_partition_number=\"0\" start_sector=\"%d\"/>%n", EDL_SECTOR_SIZE, FSG_SECTORS, FSG_START));
        x.append(program("", "userdata", 0, Long.toString(USERDATA_START), 0, 0, false));
        x.append(program("gpt_backup0.bin", "BackupGPT", 0, "NUM_DISK_SECTORS-5.", 5, 0, false));
        x.append("  <!-- LUN 1: sparse system image, a slice of modem.img, an erased partition -->\n");
        x.append(program("system.img", "system", 1, Long.toString(SYSTEM_START), 0, 0, true));
        x.append(String.format("  <erase SECTOR_SIZE_IN_BYTES=\"%d\" label=\"efs\" num_partition_sectors=\"%d\" "
                + "physical_partition_number=\"1\" start_sector=\"%d\"/>%n", EDL_SECTOR_SIZE, EFS_SECTORS, EFS_START));
        x.append(program("modem.img", "persist", 1, Long.toString(PERSIST_START), PERSIST_SECTORS, 3, false));
        x.append("</data>\n");
        return x.toString();
    }

    private static String patch(String file, String sector, int offset, int size, String value, String what) {
        return String.format("  <patch SECTOR_SIZE_IN_BYTES=\"%d\" byte_offset=\"%d\" filename=\"%s\" "
                        + "physical_partition_number=\"0\" size_in_bytes=\"%d\" start_sector=\"%s\" value=\"%s\" "
                        + "what=\"%s\"/>%n", EDL_SECTOR_SIZE, offset, file, size, sector, value, what);
    }

    /** GPT fix-ups for the real disk size, in the order Qualcomm's tools emit them. */
    static String patch() {
        String last = "NUM_DISK_SECTORS-1.";
        String backupEntries = "NUM_DISK_SECTORS-5.";
        String lastUsable = "NUM_DISK_SECTORS-6.";
        int userdataLast = 3 * Gpt.ENTRY_SIZE + 40; // entry 3's last LBA, in the first entry sector
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" ?>\n<patches>\n");
        // host-side patches of the GPT files (never sent to the device)
        x.append(patch("gpt_main0.bin", "2", userdataLast, 8, lastUsable, "Update last partition userdata with actual size."));
        x.append(patch("gpt_main0.bin", "1", 48, 8, lastUsable, "Update Primary Header with LastUseableLBA."));
        // the device-side ones
        x.append(patch("DISK", "2", userdataLast, 8, lastUsable, "Update last partition userdata with actual size in Primary Header."));
        x.append(patch("DISK", backupEntries, userdataLast, 8, lastUsable, "Update last partition userdata with actual size in Backup Header."));
        x.append(patch("DISK", "1", 48, 8, lastUsable, "Update Primary Header with LastUseableLBA."));
        x.append(patch("DISK", last, 48, 8, lastUsable, "Update Backup Header with LastUseableLBA."));
        x.append(patch("DISK", "1", 32, 8, last, "Update Primary Header with BackupGPT Header Location."));
        x.append(patch("DISK", last, 24, 8, last, "Update Backup Header with CurrentLBA."));
        x.append(patch("DISK", last, 72, 8, backupEntries, "Update Backup Header with Partition Array Location."));
        x.append(patch("DISK", "1", 88, 4, "CRC32(2," + Gpt.ENTRIES_BYTES + ")", "Update Primary Header with CRC of Partition Array."));
        x.append(patch("DISK", last, 88, 4, "CRC32(" + backupEntries + "," + Gpt.ENTRIES_BYTES + ")", "Update Backup Header with CRC of Partition Array."));
        x.append(patch("DISK", "1", 16, 4, "0", "Zero Out Header CRC in Primary Header."));
        x.append(patch("DISK", "1", 16, 4, "CRC32(1,92)", "Update Primary Header with CRC of Primary Header."));
        x.append(patch("DISK", last, 16, 4, "0", "Zero Out Header CRC in Backup Header."));
        x.append(patch("DISK", last, 16, 4, "CRC32(" + last + ",92)", "Update Backup Header with CRC of Backup Header."));
        x.append("</patches>\n");
        return x.toString();
    }

    /** {@code edl.zip}: the flat build under a top folder {@code edl/}, fixed timestamps. */
    public static Path edlZip(Path dir) throws IOException {
        Path src = edl(dir);
        Path out = dir.resolve(EDL_ZIP);
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(out.toFile())) {
            for (Path f : files(src)) {
                ZipArchiveEntry e = new ZipArchiveEntry(EDL_DIR + "/" + src.relativize(f));
                e.setLastModifiedTime(EPOCH);
                e.setTime(EPOCH.toMillis());
                z.putArchiveEntry(e);
                z.write(Files.readAllBytes(f));
                z.closeArchiveEntry();
            }
        }
        return out;
    }

    /** {@code edl.tar.gz}: the same files as a gzip'd tar, fixed timestamps and owners. */
    public static Path edlTarGz(Path dir) throws IOException {
        Path src = edl(dir);
        Path out = dir.resolve(EDL_TAR_GZ);
        try (OutputStream raw = Files.newOutputStream(out);
             GzipCompressorOutputStream gz = new GzipCompressorOutputStream(raw);
             TarArchiveOutputStream t = new TarArchiveOutputStream(gz)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path f : files(src)) {
                TarArchiveEntry e = new TarArchiveEntry(EDL_DIR + "/" + src.relativize(f));
                e.setSize(Files.size(f));
                e.setModTime(EPOCH);
                e.setUserName("modemflash");
                e.setGroupName("modemflash");
                e.setIds(0, 0);
                t.putArchiveEntry(e);
                t.write(Files.readAllBytes(f));
                t.closeArchiveEntry();
            }
        }
        return out;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
        }
    }

    // ---------------------------------------------------------------- Gobi 2000

    /** {@code gobi2k/}: headerless amss.mbn, apps.mbn and uqcn.mbn. */
    public static Path gobi2k(Path dir) throws IOException {
        Path d = Files.createDirectories(dir.resolve(GOBI2K_DIR));
        Files.write(d.resolve("amss.mbn"), bytes(2000_1, 200_000 + 8));
        Files.write(d.resolve("apps.mbn"), bytes(2000_2, 120_000));
        Files.write(d.resolve("uqcn.mbn"), bytes(2000_3, 30_000));
        return d;
    }

    /** A GUID partition table for a 4096-byte-sector LUN, disk-size fields left for the patches. */
    record Gpt(List<Part> parts) {
        static final int ENTRY_SIZE = 128;
        static final int ENTRIES = 128;
        static final int ENTRIES_BYTES = ENTRY_SIZE * ENTRIES; // 16 KiB = 4 sectors

        record Part(String name, long first, long last) {
        }

        byte[] entries() {
            ByteBuffer b = ByteBuffer.allocate(ENTRIES_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            Random r = new Random(4242);
            for (int i = 0; i < parts.size(); i++) {
                Part p = parts.get(i);
                byte[] type = new byte[16];
                byte[] unique = new byte[16];
                r.nextBytes(type);
                r.nextBytes(unique);
                b.position(i * ENTRY_SIZE);
                b.put(type).put(unique).putLong(p.first).putLong(p.last).putLong(0);
                b.put(p.name.getBytes(StandardCharsets.UTF_16LE));
            }
            return b.array();
        }

        byte[] header(long current, long backup, long entriesLba) {
            ByteBuffer h = ByteBuffer.allocate(EDL_SECTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            h.put("EFI PART".getBytes(StandardCharsets.US_ASCII)).putInt(0x00010000).putInt(92).putInt(0).putInt(0);
            h.putLong(current).putLong(backup).putLong(6).putLong(0); // first usable 6, last usable patched
            byte[] guid = new byte[16];
            new Random(4343).nextBytes(guid);
            h.put(guid).putLong(entriesLba).putInt(ENTRIES).putInt(ENTRY_SIZE).putInt(0); // entries CRC patched
            return h.array();
        }

        /** Sector 0 protective MBR, sector 1 header, sectors 2-5 entries. */
        byte[] main() {
            ByteBuffer b = ByteBuffer.allocate(6 * EDL_SECTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            b.position(446);
            b.put((byte) 0).put((byte) 0).put((byte) 2).put((byte) 0).put((byte) 0xEE).put((byte) 0xFF)
                    .put((byte) 0xFF).put((byte) 0xFF).putInt(1).putInt(-1);
            b.position(510);
            b.put((byte) 0x55).put((byte) 0xAA);
            b.position(EDL_SECTOR_SIZE);
            b.put(header(1, 0, 2));
            b.put(entries());
            return b.array();
        }

        /** Entries then the backup header: programmed at NUM_DISK_SECTORS-5. */
        byte[] backup() {
            ByteBuffer b = ByteBuffer.allocate(5 * EDL_SECTOR_SIZE);
            b.put(entries());
            b.put(header(0, 1, 0));
            return b.array();
        }
    }
}
