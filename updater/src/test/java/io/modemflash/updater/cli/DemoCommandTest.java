package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The README's first command: `modemflash demo` updates each emulated profile from its
 * sample package, the modem reports the new firmware, and the flash equals the package.
 */
class DemoCommandTest {

    @ParameterizedTest
    @ValueSource(strings = {"mc7455", "em7565", "edl"})
    void demoUpdatesTheEmulatedModemAndChecksItsFlash(String profile) throws Exception {
        CliRun r = CliRun.of("demo", "--profile", profile);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("$ modemflash update "), r.out());
        assertTrue(r.out().contains("flash equals the package byte for byte"), r.out());
        String afterUpdate = r.out().substring(r.out().lastIndexOf("$ modemflash info "));
        String expected = switch (profile) {
            case "mc7455" -> "SWI9X30C_02.38.00.00";
            case "em7565" -> "SWI9X50C_01.14.04.00";
            default -> "MPSS.AT.4.0-00042-SDX_GEN_PACK-1";
        };
        assertTrue(afterUpdate.contains(expected), "the second info shows the new firmware: " + afterUpdate);
    }

    @org.junit.jupiter.api.Test
    void unknownProfileIsAUsageError() throws Exception {
        CliRun r = CliRun.of("demo", "--profile", "mc9999");
        assertEquals(ExitCode.USAGE.code, r.code(), r.err());
    }
}
