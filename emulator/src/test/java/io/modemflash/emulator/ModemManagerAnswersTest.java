package io.modemflash.emulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The answers ModemManager needs before it exposes a QMI modem (DESIGN.md 6: DMS Get
 * Capabilities, NAS Get System Selection Preference, NAS Get Technology Preference, WDA Get
 * Data Format), as libqmi's own qmicli parses them from the emulator's pty.
 */
class ModemManagerAnswersTest {
    @TempDir
    Path dir;

    private String qmicli(Path dev, String command) throws Exception {
        Path out = Files.createTempFile(dir, "qmicli", ".out");
        Process p = new ProcessBuilder(List.of("qmicli", "-d", dev.toString(), "--device-open-qmi", command))
                .redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command);
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), command + ":\n" + text);
        return text;
    }

    @Test
    void qmicliReadsWhatModemManagerAsks() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565)) {
            Path dev = modem.publishPty(dir.resolve("pty")).qmiDevice();
            String caps = qmicli(dev, "--dms-get-capabilities");
            assertTrue(caps.contains("Networks: 'gsm, umts, lte'"), caps);
            assertTrue(caps.contains("SIM: 'supported'"), caps);
            String ssp = qmicli(dev, "--nas-get-system-selection-preference");
            assertTrue(ssp.contains("Mode preference: 'gsm, umts, lte'"), ssp);
            assertTrue(ssp.contains("Network selection preference: 'automatic'"), ssp);
            String tech = qmicli(dev, "--nas-get-technology-preference");
            assertTrue(tech.contains("Active: '3gpp, amps-or-gsm, cdma-or-wcdma, lte', duration: 'permanent'"), tech);
            String format = qmicli(dev, "--wda-get-data-format");
            assertTrue(format.contains("Link layer protocol: '802-3'"), format);
        }
    }
}
