package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.emulator.boot.CrashDump;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import static io.modemflash.updater.cli.DownloadCommandTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** `sahara dump` on the emulator's crash-dump personality (05c6:900e) over its pty face. */
class SaharaDumpCommandTest {

    @Test
    void dumpsEveryRegionIntoItsFile(@TempDir Path dir, @TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, storage)) {
            PtyFace face = modem.publishPty(dir);
            modem.boot().enterCrashDump();
            Path tty = face.downloadTty();
            long end = System.nanoTime() + 10_000_000_000L;
            while (!Files.exists(tty, LinkOption.NOFOLLOW_LINKS)) {
                assertTrue(System.nanoTime() < end, "no ttyUSB0");
                Thread.sleep(10);
            }
            Path out = dir.resolve("dump");
            var r = run("sahara", "dump", out.toString(), "--tty", tty.toString(), "--json");
            assertEquals(0, r.code(), r.err());
            assertEquals(CrashDump.REGIONS.size(), r.last().get("files").size());
            for (CrashDump.Region region : CrashDump.REGIONS) {
                // the 1 MiB DDR region takes two 512 KiB MEMORY_READ64 pieces
                assertArrayEquals(CrashDump.read(region.base(), (int) region.length()),
                        Files.readAllBytes(out.resolve(region.fileName())), region.fileName());
            }
            assertEquals(String.format("0x%X", CrashDump.REGIONS.get(0).base()),
                    r.last().get("files").get(0).get("base").asText());
        }
    }

    @Test
    void aDeviceInEdlIsTheWrongModeForADump(@TempDir Path dir, @TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, storage)) {
            PtyFace face = modem.publishPty(dir);
            Path tty = DownloadCommandTest.downloadTty(modem, face, 1);
            var r = run("sahara", "dump", dir.resolve("dump").toString(), "--tty", tty.toString());
            assertEquals(ExitCode.WRONG_DEVICE.code, r.code(), r.err());
            assertTrue(r.err().contains("not in crash-dump mode"), r.err());
        }
    }
}
