package io.modemflash.images.cwe;

import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Versions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The version extraction examples of PROTOCOLS.md section 6, and the order of sources. */
class CweVersionsTest {

    @Test
    void fullVersionString() {
        Versions v = CweVersions.parse("9999999_9902574_SWI9X15C_05.05.66.00_00_GENNA-UMTS_005.028_000");
        assertEquals(new Versions("05.05.66.00", "005.028_000", "GENNA-UMTS"), v);
    }

    @Test
    void firmwareOnlyString() {
        Versions v = CweVersions.parse("INTERNAL_?_SWI9X15C_05.05.63.01_?_?_?_?");
        assertEquals(new Versions("05.05.63.01", null, null), v);
    }

    @Test
    void fileNamesAndNonMatches() {
        assertEquals(new Versions("02.38.00.00", "002.079_000", "GENERIC"),
                CweVersions.parse("SWI9X30C_02.38.00.00_GENERIC_002.079_000"));
        assertEquals(Versions.NONE, CweVersions.parse("SPKG"));
        assertEquals(Versions.NONE, CweVersions.parse(null));
        assertNull(CweVersions.parse("1.2.3.4").firmware()); // needs two digits per field
        assertNull(CweVersions.parse("123.45.67.89").firmware());
    }

    @Test
    void sourcesAreUsedInOrder() throws Exception {
        // top header: nothing; file name: firmware; BOOT: another firmware (ignored, file name wins);
        // NVUP: config and carrier
        CweBuilder.Node tree = CweBuilder.parent("SPKG", "9X30", "PACKAGE",
                CweBuilder.leaf("BOOT", "9X30", "SWI9X30C_02.99.99.99_00_VERIZON_002.001_000", new byte[10]),
                CweBuilder.parent("NVUP", "9X30", "9999999_1_SWI9X30C_02.38.00.00_00_ATT_002.080_001",
                        CweBuilder.leaf("FILE", "9X30", "x", new byte[10])));
        Path dir = Files.createTempDirectory("cwev");
        Path f = Files.write(dir.resolve("x.spk"), CweBuilder.build(tree));
        try (var ch = java.nio.channels.FileChannel.open(f)) {
            CweImage parsed = CweParser.parse(ch, "x.spk", io.modemflash.images.Limits.defaults());
            assertEquals(new Versions("02.11.00.00", "002.080_001", "ATT"),
                    FirmwarePackage.cweVersions(parsed, "SWI9X30C_02.11.00.00.spk"));
            // without a version in the file name, BOOT gives the firmware (and only the firmware)
            assertEquals(new Versions("02.99.99.99", "002.080_001", "ATT"),
                    FirmwarePackage.cweVersions(parsed, "package.spk"));
        } finally {
            Files.delete(f);
            Files.delete(dir);
        }
    }
}
