package io.modemflash.images;

import io.modemflash.images.BadPackageException.Reason;
import io.modemflash.images.cwe.CweBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PackageKindsTest {
    @TempDir
    Path dir;

    @Test
    void gobi2000() throws Exception {
        TestPackages.gobi(dir, true);
        try (FirmwarePackage pkg = FirmwarePackage.open(dir, Limits.defaults())) {
            assertEquals(PackageKind.GOBI, pkg.kind());
            assertEquals(Protocol.GOBI_QDL, pkg.protocol());
            assertEquals("GOBI2000", pkg.product());
            assertEquals(List.of(ImageType.GOBI_AMSS, ImageType.GOBI_APPS, ImageType.GOBI_UQCN),
                    pkg.images().stream().map(PackageImage::type).toList());
            assertEquals(20_000, pkg.images().get(0).size());
        }
    }

    @Test
    void gobi1000AndATooShortAmss() throws Exception {
        TestPackages.gobi(dir, false);
        try (FirmwarePackage pkg = FirmwarePackage.open(dir, Limits.defaults())) {
            assertEquals("GOBI1000", pkg.product());
        }
        Files.write(dir.resolve("amss.mbn"), new byte[8]);
        assertEquals(Reason.TRUNCATED, assertThrows(BadPackageException.class,
                () -> FirmwarePackage.open(dir, Limits.defaults())).reason());
    }

    @Test
    void mixedKindsAreRefused() throws Exception {
        TestPackages.gobi(dir, true);
        Files.write(dir.resolve("x.cwe"), CweBuilder.build(TestPackages.spkg9x30()));
        BadPackageException e = assertThrows(BadPackageException.class, () -> FirmwarePackage.open(dir, Limits.defaults()));
        assertEquals(Reason.UNKNOWN_KIND, e.reason());
    }

    @Test
    void readRangeServesExactBytesAndRefusesOutside() throws Exception {
        Path f = Files.write(dir.resolve("SWI9X30C_02.38.00.00.spk"), CweBuilder.build(TestPackages.spkg9x30()));
        byte[] all = Files.readAllBytes(f);
        try (FirmwarePackage pkg = FirmwarePackage.open(f, Limits.defaults())) {
            PackageImage img = pkg.images().get(0);
            assertArrayEquals(java.util.Arrays.copyOfRange(all, 400, 800), img.readRange(400, 400));
            assertThrows(BadPackageException.class, () -> img.readRange(all.length - 10, 11));
            assertThrows(BadPackageException.class, () -> img.readRange(-1, 1));
            assertEquals(0, img.readRange(all.length, 0).length);
        }
    }
}
