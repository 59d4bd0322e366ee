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
