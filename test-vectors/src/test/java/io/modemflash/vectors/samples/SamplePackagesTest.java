package io.modemflash.vectors.samples;

import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.ImageType;
import io.modemflash.images.Limits;
import io.modemflash.images.PackageImage;
import io.modemflash.images.PackageKind;
import io.modemflash.images.Protocol;
import io.modemflash.images.flat.FlatBuild;
import io.modemflash.images.flat.FlatOp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;

/** Every sample inspects cleanly with the protocol and versions SAMPLES.md promises. */
class SamplePackagesTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void write() throws Exception {
        SamplePackages.writeAll(dir);
    }

    @Test
    void mc7455() throws Exception {
        try (FirmwarePackage p = FirmwarePackage.open(dir.resolve("mc7455"), Limits.defaults())) {
            assertEquals(PackageKind.SIERRA_CWE, p.kind());
            assertEquals(Protocol.SIERRA_QDL, p.protocol());
            assertEquals("9X30", p.product());
            assertEquals("02.38.00.00", p.firmwareVersion());
            assertEquals("002.079_000", p.configVersion());
            assertEquals("GENERIC", p.carrier());
            assertEquals(List.of(), p.problems());
            PackageImage spk = p.images().get(0);
            assertEquals(SamplePackages.MC7455_FILE, spk.name());
            assertEquals(List.of("SPKG", "BOOT", "APPL", "APPS", "SYST", "MODM", "NVUP", "FILE"),
                    spk.cwe().flatten().stream().map(n -> n.type()).toList());
        }
    }

    @Test
    void em7565() throws Exception {
        try (FirmwarePackage p = FirmwarePackage.open(dir.resolve("em7565"), Limits.defaults())) {
            assertEquals(Protocol.SIERRA_FIREHOSE, p.protocol());
            assertEquals("9X50", p.product());
            assertEquals("01.14.04.00", p.firmwareVersion());
            assertEquals("001.045_000", p.configVersion());
            assertEquals("GENERIC", p.carrier());
            assertEquals(List.of(SamplePackages.EM7565_CWE, SamplePackages.EM7565_NVU),
                    p.images().stream().map(PackageImage::name).toList());
            assertEquals(List.of(), p.problems());
        }
    }

    @Test
    void edlDirectoryAndArchives() throws Exception {
        for (String name : List.of("edl", "edl.zip", "edl.tar.gz")) {
            try (FirmwarePackage p = FirmwarePackage.open(dir.resolve(name), Limits.defaults())) {
                assertEquals(Protocol.QUALCOMM_EDL, p.protocol(), name);
                assertEquals(SamplePackages.EDL_FIRMWARE, p.firmwareVersion(), name);
                assertEquals(List.of(), p.problems(), name);
                FlatBuild fb = p.flatBuild().orElseThrow();
                assertEquals(SamplePackages.EDL_PROGRAMMER, fb.programmer().fileName());
                assertEquals(0x1000, fb.programmer().elf().hashSegment().offset());
                assertEquals(java.util.Set.of(0, 1), fb.luns());
                assertEquals(6, fb.programs().size(), name); // userdata has no file: skipped
                assertEquals(2, fb.erases().size());
                assertEquals(15, fb.patches().size());
                assertEquals(13, fb.patches().stream().filter(FlatOp.Patch::toDevice).count());
                FlatOp.Program system = fb.programs().stream().filter(x -> "system".equals(x.label())).findFirst()
                        .orElseThrow();
                assertEquals(ImageType.ANDROID_SPARSE, system.image().type());
                var s = system.image().sparse().summary();
                assertEquals(2, s.raw());
                assertEquals(1, s.fill());
                assertEquals(1, s.dontCare());
                assertEquals(1, s.crc32());
            }
        }
    }

    @Test
    void gobi2k() throws Exception {
        try (FirmwarePackage p = FirmwarePackage.open(dir.resolve("gobi2k"), Limits.defaults())) {
            assertEquals(Protocol.GOBI_QDL, p.protocol());
            assertEquals("GOBI2000", p.product());
            assertEquals(3, p.images().size());
        }
    }

    @Test
    void generationIsReproducible(@TempDir Path other) throws Exception {
        SamplePackages.writeAll(other);
        List<Path> a = list(dir);
        assertEquals(a.stream().map(dir::relativize).toList(), list(other).stream().map(other::relativize).toList());
        for (Path f : a) {
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(other.resolve(dir.relativize(f))),
                    dir.relativize(f).toString());
        }
    }

    /** The samples must not drift: later tests compare flashed bytes with them. */
    @Test
    void hashesArePinned() throws Exception {
        Map<String, String> pinned = new java.util.TreeMap<>(Map.ofEntries(
                Map.entry("edl/prog_firehose_ddr.elf", "a57e8e9b3185afffae90a13599bbcbb70840c1eda93072f56afb1f6d5e062be2"),
                Map.entry("edl/rawprogram0.xml", "77983df2e7ff046c6537dbe12cab6781774760ab298bb5dd2e033d5ba9c0bf16"),
                Map.entry("edl/patch0.xml", "e9d418ad7b5b7e1592d174447b60a5fc9d2175eda21d00dbb7565896bc2faeff"),
                Map.entry("edl/gpt_main0.bin", "6d2f69c01492563c2c8422c834991d83c45dce61d904d2b77eea8d1d33665f9f"),
                Map.entry("edl/gpt_backup0.bin", "afa506ea30ce09ee94732768ff71d71bfe2567d998fa90881fecac6179be119a"),
                Map.entry("edl/sbl1.mbn", "cbe4335542dc0dce884d8e38c8492750b039f9306610e49346d85857d5e90228"),
                Map.entry("edl/modem.img", "5e827f2fa7f065430b4f82a8532617d00e68ff3cc1d1d8493e2a9cfc7db94e34"),
                Map.entry("edl/system.img", "c85e5dd7d41f5a967c1969bf4823cd5e581277c84ec7ff980b713e3081ed12f5"),
                Map.entry("mc7455/" + SamplePackages.MC7455_FILE,
                        "7d4c8504d22bf74494fda2c7b98ca28acc651850d9b3fb6cebe137ac380cbd0d"),
                Map.entry("em7565/" + SamplePackages.EM7565_CWE,
                        "700a85ba9742357a2e114682d7aaa266686ba9fa666159792069c54c4cadaf2a"),
                Map.entry("em7565/" + SamplePackages.EM7565_NVU,
                        "44f75adc09a1b27ca4161ea5702cf18e7567223c7a177020b9edf0725758ac88"),
                Map.entry("gobi2k/amss.mbn", "7f06acead5a8efb4b979d59acdef281663ae82ca854212b77d66ee2e9f0f07de"),
                Map.entry("gobi2k/apps.mbn", "c875fbcdb66c1deeb82096ffba96b218822058eddb69a665f7e5303369b71d63"),
                Map.entry("gobi2k/uqcn.mbn", "2c0826103e21be568d126e69d839a10dc6cb357ef5eb6d0614a5eca19361a1f0")));
        for (var e : pinned.entrySet()) {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve(e.getKey())));
            assertEquals(e.getValue(), java.util.HexFormat.of().formatHex(d), e.getKey());
        }
    }

    private static List<Path> list(Path d) throws Exception {
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void expectedStorageHoldsAValidGptAndTheImages() throws Exception {
        Path edl = dir.resolve("edl");
        Map<Integer, byte[]> luns = ExpectedStorage.forSample(edl);
        int ss = SamplePackages.EDL_SECTOR_SIZE;
        long n = SamplePackages.EDL_LUN_SECTORS;
        byte[] lun0 = luns.get(0);
        assertEquals(n * ss, lun0.length);
        ByteBuffer h = ByteBuffer.wrap(lun0, ss, ss).slice().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("EFI PART", new String(lun0, ss, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(n - 1, h.getLong(32), "backup header LBA patched");
        assertEquals(n - 6, h.getLong(48), "last usable LBA patched");
        byte[] hdr = Arrays.copyOfRange(lun0, ss, ss + 92);
        int stored = ByteBuffer.wrap(hdr).order(ByteOrder.LITTLE_ENDIAN).getInt(16);
        Arrays.fill(hdr, 16, 20, (byte) 0);
        CRC32 c = new CRC32();
        c.update(hdr);
        assertEquals((int) c.getValue(), stored, "primary header CRC");
        CRC32 e = new CRC32();
        e.update(lun0, 2 * ss, 16384);
        assertEquals((int) e.getValue(), h.getInt(88), "entries CRC");
        ByteBuffer b = ByteBuffer.wrap(lun0, (int) (n - 1) * ss, ss).slice().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(n - 1, b.getLong(24));
        assertEquals(n - 5, b.getLong(72));
        assertEquals(h.getInt(88), b.getInt(88), "backup entries are the same table");
        // userdata (entry 3) grown to the end of the disk
        assertEquals(n - 6, ByteBuffer.wrap(lun0).order(ByteOrder.LITTLE_ENDIAN).getLong(2 * ss + 3 * 128 + 40));
        // modem.img at sector 70, padded with zeros to whole sectors
        byte[] modem = Files.readAllBytes(edl.resolve("modem.img"));
        assertArrayEquals(modem, Arrays.copyOfRange(lun0, 70 * ss, 70 * ss + modem.length));
        assertTrue(isZero(lun0, 70 * ss + modem.length, 70 * ss + 74 * ss));

        byte[] lun1 = luns.get(1);
        // system.img: RAW 16 blocks at sector 8, FILL 32 blocks, DONT_CARE 64, RAW 8
        assertArrayEquals(SamplePackages.bytes(9003, 16 * 4096), Arrays.copyOfRange(lun1, 8 * ss, 24 * ss));
        assertEquals(0x5A5A0FF0, ByteBuffer.wrap(lun1).order(ByteOrder.LITTLE_ENDIAN).getInt(24 * ss + 1000 * 4));
        assertTrue(isZero(lun1, 56 * ss, 120 * ss));
        assertArrayEquals(SamplePackages.bytes(9004, 8 * 4096), Arrays.copyOfRange(lun1, 120 * ss, 128 * ss));
        // persist: modem.img from its sector 3, four sectors
        assertArrayEquals(Arrays.copyOfRange(modem, 3 * ss, 7 * ss), Arrays.copyOfRange(lun1, 600 * ss, 604 * ss));
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
