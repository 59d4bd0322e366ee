package io.modemflash.images.cwe;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.PackageImage;
import io.modemflash.images.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class CweTest {
    @TempDir
    Path dir;

    static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static CweBuilder.Node spkg() {
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

    private Path write(String name, byte[] data) throws Exception {
        return Files.write(dir.resolve(name), data);
    }

    private BadPackageException refused(Path p) {
        return assertThrows(BadPackageException.class, () -> FirmwarePackage.open(p, Limits.defaults()).close());
    }

    @Test
    void headerRoundTripsAndRejectsNonAscii() {
        byte[] file = CweBuilder.build(CweBuilder.leaf("BOOT", "9X30", "V1", bytes(1, 10)));
        CweHeader h = CweHeader.parse(file).orElseThrow();
        assertEquals("BOOT", h.type());
        assertEquals("9X30", h.product());
        assertEquals(10, h.imageSize());
        assertTrue(h.crcsValid());
        assertEquals(SierraCrc.of(file, 400, 10), h.imageCrc());
        file[290] = 0x07; // control character inside the version
        assertTrue(CweHeader.parse(file).isEmpty());
        byte[] zeroSize = CweBuilder.build(CweBuilder.leaf("BOOT", "9X30", "V1", bytes(1, 10)));
        ByteBuffer.wrap(zeroSize).putInt(276, 0);
        assertTrue(CweHeader.parse(zeroSize).isEmpty());
    }

    @Test
    void sierraCrcIsTheComplementOfZlibCrc32() {
        // "123456789": zlib crc32 0xCBF43926, Sierra's stored value is its complement
        assertEquals(~0xCBF43926L & 0xFFFFFFFFL, SierraCrc.of("123456789".getBytes(), 0, 9));
    }

    @Test
    void parsesTheNestedTreeAndVersions() throws Exception {
        Path p = write("SWI9X30C_02.38.00.00.spk", CweBuilder.build(spkg()));
        try (FirmwarePackage pkg = FirmwarePackage.open(p, Limits.defaults())) {
            assertEquals(Protocol.SIERRA_QDL, pkg.protocol());
            assertEquals("9X30", pkg.product());
            assertEquals("02.38.00.00", pkg.firmwareVersion());
            assertEquals("002.079_000", pkg.configVersion());
            assertEquals("GENERIC", pkg.carrier());
            PackageImage img = pkg.images().get(0);
            CweImage tree = img.cwe();
            assertEquals(List.of("SPKG", "BOOT", "APPL", "APPS", "SYST", "MODM", "NVUP", "FILE"),
                    tree.flatten().stream().map(CweImage::type).toList());
            assertEquals(List.of("APPS", "SYST"), tree.children().get(1).children().stream().map(CweImage::type).toList());
            assertEquals(Files.size(p), tree.end());
            assertEquals(2, tree.children().get(1).children().get(1).depth());
            assertEquals(64, img.sha256().length());
            assertTrue(pkg.problems().isEmpty(), pkg.problems().toString());
        }
    }

    @Test
    void productDecidesTheProtocol() throws Exception {
        String fw = "SWI9X50C_01.14.04.00";
        Path p = write("a.cwe", CweBuilder.build(CweBuilder.parent("SPKG", "9X50", fw,
                CweBuilder.leaf("MODM", "9X50", fw, bytes(1, 500)))));
        try (FirmwarePackage pkg = FirmwarePackage.open(p, Limits.defaults())) {
            assertEquals(Protocol.SIERRA_FIREHOSE, pkg.protocol());
            assertEquals("01.14.04.00", pkg.firmwareVersion());
        }
        Path q = write("b.cwe", CweBuilder.build(CweBuilder.leaf("MODM", "ZZZZ", fw, bytes(1, 500))));
        assertEquals(Reason.UNSUPPORTED, refused(q).reason());
    }

    @Test
    void flippedByteInABodyWithValidCrcFlagIsNamed() throws Exception {
        byte[] file = CweBuilder.build(spkg());
        // MODM data: SPKG hdr + BOOT(400+3000) + APPL(400 + 400+5000 + 400+7000) + MODM hdr
        int modmData = 400 + 3400 + 13200 + 400;
        file[modmData + 100] ^= 0x01;
        Path p = write("x.spk", file);
        BadPackageException e = refused(p);
        assertEquals(Reason.CRC_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("x.spk"), e.getMessage());
        assertTrue(e.getMessage().contains("SPKG/MODM"), e.getMessage()); // the innermost image that changed is named
        assertTrue(e.problems().stream().anyMatch(pr -> pr.message().startsWith("SPKG image")), "parent CRC fails too");
    }

    @Test
    void flippedHeaderAreaByteIsDetected() throws Exception {
        byte[] file = CweBuilder.build(spkg());
        file[10] ^= 0x40; // inside the PSB of the top header
        BadPackageException e = refused(write("h.spk", file));
        assertEquals(Reason.CRC_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("header area"), e.getMessage());
    }

    @Test
    void crcsAreNotCheckedWhenTheHeaderSaysTheyAreInvalid() throws Exception {
        String fw = "SWI9X30C_02.38.00.00";
        byte[] file = CweBuilder.build(CweBuilder.leaf("MODM", "9X30", fw, bytes(1, 500)).withCrcValid(false));
        file[450] ^= 1;
        try (FirmwarePackage pkg = FirmwarePackage.open(write("n.cwe", file), Limits.defaults())) {
            assertTrue(pkg.problems().stream().anyMatch(pr -> pr.message().contains("integrity not checked")));
        }
    }

    @Test
    void sizeThatPointsOutsideTheFileIsRefused() throws Exception {
        byte[] file = CweBuilder.build(spkg());
        ByteBuffer.wrap(file).putInt(276, file.length); // claims more than the file holds
        BadPackageException e = refused(write("big.spk", file));
        assertEquals(Reason.OVERRUN, e.reason());
        ByteBuffer.wrap(file).putInt(276, 0x7FFFFFF0);
        assertEquals(Reason.OVERRUN, refused(write("huge.spk", file)).reason());
        byte[] truncated = java.util.Arrays.copyOf(CweBuilder.build(spkg()), 1000);
        assertEquals(Reason.OVERRUN, refused(write("cut.spk", truncated)).reason());
        assertEquals(Reason.TRUNCATED, refused(write("tiny.cwe", new byte[100])).reason());
    }

    @Test
    void trailingBytesAreRefused() throws Exception {
        byte[] file = CweBuilder.build(spkg());
        byte[] longer = java.util.Arrays.copyOf(file, file.length + 16);
        assertEquals(Reason.SIZE_MISMATCH, refused(write("tail.spk", longer)).reason());
    }

    @Test
    void nestedHeaderOverrunningItsParentIsRefused() throws Exception {
        byte[] file = CweBuilder.build(spkg());
        // the BOOT header right after SPKG's: claim 1 MiB
        ByteBuffer.wrap(file).putInt(400 + 276, 1 << 20);
        BadPackageException e = refused(write("nest.spk", file));
        assertEquals(Reason.OVERRUN, e.reason());
        assertTrue(e.getMessage().contains("overruns its parent SPKG"), e.getMessage());
    }

    @Test
    void nestingDepthIsBounded() throws Exception {
        CweBuilder.Node n = CweBuilder.leaf("FILE", "9X30", "SWI9X30C_02.38.00.00", bytes(1, 10));
        for (int i = 0; i < 12; i++) {
            n = CweBuilder.parent("APPL", "9X30", "SWI9X30C_02.38.00.00", n);
        }
        assertEquals(Reason.TOO_LARGE, refused(write("deep.cwe", CweBuilder.build(n))).reason());
    }

    @Test
    void imagesMustAgreeOnVersions() throws Exception {
        Files.createDirectories(dir.resolve("pkg"));
        Files.write(dir.resolve("pkg/SWI9X30C_02.38.00.00.cwe"), CweBuilder.build(spkg()));
        Files.write(dir.resolve("pkg/SWI9X30C_02.30.01.01_GENERIC_002.079_000.nvu"), CweBuilder.build(
                CweBuilder.parent("NVUP", "9X30", "9999999_9904609_SWI9X30C_02.30.01.01_00_GENERIC_002.079_000",
                        CweBuilder.leaf("FILE", "9X30", "x", bytes(8, 100)))));
        BadPackageException e = refused(dir.resolve("pkg"));
        assertEquals(Reason.VERSION_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("02.30.01.01"), e.getMessage());
        try (FirmwarePackage pkg = FirmwarePackage.open(dir.resolve("pkg"), Limits.defaults(), false)) {
            assertEquals("02.38.00.00", pkg.firmwareVersion());
            assertEquals(2, pkg.images().size());
            assertTrue(pkg.images().get(1).name().endsWith(".nvu"), "nvu files come after firmware");
        }
    }
}
