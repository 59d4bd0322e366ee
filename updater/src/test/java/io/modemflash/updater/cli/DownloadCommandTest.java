package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.vectors.samples.ExpectedStorage;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** `modemflash download` through the CLI, on the emulator's pty face (DIR/dev/ttyUSB0). */
class DownloadCommandTest {
    @TempDir
    static Path samples;

    @BeforeAll
    static void writeSamples() throws Exception {
        SamplePackages.writeAll(samples);
    }

    static CliRun run(String... args) throws Exception {
        return CliRun.of(args);
    }

    /** Puts the modem in download mode and waits for its ttyUSB0 of enumeration number {@code session}. */
    static Path downloadTty(EmulatedModem modem, PtyFace face, int session) throws Exception {
        modem.boot().enterDownloadMode();
        Path tty = face.downloadTty();
        long end = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(tty, LinkOption.NOFOLLOW_LINKS) || modem.boot().sessions() < session) {
            assertTrue(System.nanoTime() < end, "no ttyUSB0");
            Thread.sleep(10);
        }
        return tty;
    }

    static EmulatedModem start(Profile p, Path storage, String... faults) throws Exception {
        return EmulatedModem.start(p, faults.length == 0 ? FaultPlan.NONE : FaultPlan.parse(List.of(faults)), storage);
    }

    static void assertEdlStorage(Path storage) throws Exception {
        for (var e : ExpectedStorage.forSample(samples.resolve(SamplePackages.EDL_DIR)).entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(storage.resolve("lun" + e.getKey() + ".img")),
                    "LUN " + e.getKey());
        }
    }

    @Test
    void edlOverTheTtyWithJsonEvents(@TempDir Path dir, @TempDir Path storage) throws Exception {
        try (EmulatedModem modem = start(Profiles.EDL, storage)) {
            PtyFace face = modem.publishPty(dir);
            Path tty = downloadTty(modem, face, 1);
            CliRun r = run("download", samples.resolve(SamplePackages.EDL_ZIP).toString(), "--tty", tty.toString(), "--json");
            assertEquals(0, r.code(), r.err());
            assertTrue(modem.awaitApplicationMode(java.time.Duration.ofSeconds(10)));
            assertEdlStorage(storage);
            var result = r.last();
            assertEquals("result", result.get("event").asText());
            assertTrue(result.get("ok").asBoolean());
            assertEquals("qualcomm-edl", result.get("protocol").asText());
            assertEquals(7, result.get("images").size());
            assertTrue(r.count("progress") >= 7, "progress events");
            assertTrue(r.events().stream().anyMatch(e -> e.get("event").asText().equals("step")
                    && e.get("step").asText().equals("reset")));
            assertEquals(14, r.count("image"), "started + done for each image");
        }
    }

    @Test
    void modemManagerRunningRefusesTheDownloadUnlessIgnored(@TempDir Path dir, @TempDir Path storage) throws Exception {
        try (EmulatedModem modem = start(Profiles.EDL, storage)) {
            PtyFace face = modem.publishPty(dir);
            Path tty = downloadTty(modem, face, 1);
            String pkg = samples.resolve(SamplePackages.EDL_ZIP).toString();
            CliRun refused = run("download", pkg, "--tty", tty.toString(), "--json", "--modemmanager", "running");
            assertEquals(ExitCode.DEVICE_BUSY.code, refused.code(), refused.err());
            assertEquals(UpdateCommandTest.MM_RUNNING + "Stop it (systemctl stop ModemManager) or inhibit the modem, "
                    + "or pass --ignore-modemmanager if it leaves this device alone (it ignores 05c6:9008 and ports "
                    + "tagged ID_MM_DEVICE_IGNORE)", refused.last().path("message").asText());

            // the refusal did not touch the port: its HELLO is still there for the next run
            CliRun ignored = run("download", pkg, "--tty", tty.toString(), "--json", "--modemmanager", "running",
                    "--ignore-modemmanager");
            assertEquals(0, ignored.code(), ignored.err());
            assertTrue(ignored.events().stream().anyMatch(e -> e.path("event").asText().equals("warning")
                    && e.path("message").asText().contains("Continuing (--ignore-modemmanager)")), ignored.out());
            assertTrue(modem.awaitApplicationMode(java.time.Duration.ofSeconds(10)));
            assertEdlStorage(storage);
        }
    }

    @Test
    void em7565OverTheTty(@TempDir Path dir, @TempDir Path storage) throws Exception {
        Path pkg = samples.resolve(SamplePackages.EM7565_DIR);
        try (EmulatedModem modem = start(Profiles.EM7565, storage)) {
            PtyFace face = modem.publishPty(dir);
            Path tty = downloadTty(modem, face, 1);
            CliRun r = run("download", pkg.toString(), "--tty", tty.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("flashed 2 images"), r.out());
            assertTrue(modem.awaitApplicationMode(java.time.Duration.ofSeconds(10)));
            List<Path> stored = modem.boot().images().images();
            assertArrayEquals(Files.readAllBytes(pkg.resolve(SamplePackages.EM7565_CWE)), Files.readAllBytes(stored.get(0)));
            assertArrayEquals(Files.readAllBytes(pkg.resolve(SamplePackages.EM7565_NVU)), Files.readAllBytes(stored.get(1)));
        }
    }

    /**
     * qdl's command line: the programmer, then rawprogram and patch XML files (here under other
     * names, told apart by their root element), the images in another folder given by --include.
     * The flash ends as `download DIR` leaves it.
     */
    @Test
    void looseFilesInQdlsOrderWithIncludeFlashWhatTheDirectoryDoes(@TempDir Path dir, @TempDir Path storage,
                                                                   @TempDir Path loose) throws Exception {
        Path src = samples.resolve(SamplePackages.EDL_DIR);
        Path xml = Files.createDirectories(loose.resolve("xml"));
        Path images = Files.createDirectories(loose.resolve("images"));
        try (var files = Files.list(src)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                Path to = n.equals(SamplePackages.EDL_PROGRAMMER) ? xml.resolve("loader.elf")
                        : n.equals("rawprogram0.xml") ? xml.resolve("flash.xml")
                        : n.equals("patch0.xml") ? xml.resolve("fixups.xml") : images.resolve(n);
                Files.copy(f, to);
            }
        }
        String[] files = {xml.resolve("loader.elf").toString(), xml.resolve("flash.xml").toString(),
                xml.resolve("fixups.xml").toString()};
        CliRun missing = run("download", files[0], files[1], files[2], "--tty", dir.resolve("none").toString());
        assertEquals(ExitCode.BAD_PACKAGE.code, missing.code(), missing.err());
        assertTrue(missing.err().contains("which is not in the package"), missing.err());
        try (EmulatedModem modem = start(Profiles.EDL, storage)) {
            Path tty = downloadTty(modem, modem.publishPty(dir), 1);
            CliRun r = run("download", files[0], files[1], files[2], "--include", images.toString(), "--tty",
                    tty.toString(), "--json");
            assertEquals(0, r.code(), r.err());
            assertEquals(7, r.last().get("images").size(), r.last().toString());
            assertTrue(modem.awaitApplicationMode(java.time.Duration.ofSeconds(10)));
            assertEdlStorage(storage);
        }
    }

    /** The package's programmer is used, but one signed for another chip is refused before it is uploaded. */
    @Test
    void aPackageProgrammerForAnotherChipIsRefusedBeforeUploadAndOneThatFitsIsUsed(@TempDir Path dir,
                                                                                  @TempDir Path storage,
                                                                                  @TempDir Path pkgs) throws Exception {
        Path other = io.modemflash.vectors.samples.SamplePackages.edl(pkgs.resolve("other"));
        Files.write(other.resolve(SamplePackages.EDL_PROGRAMMER), io.modemflash.vectors.samples.SampleLoaders.loader(
                0x0009600E1L, 1, 0, io.modemflash.vectors.samples.SampleLoaders.EDL_ROOT));
        Path fits = io.modemflash.vectors.samples.SamplePackages.edl(pkgs.resolve("fits"));
        Files.write(fits.resolve(SamplePackages.EDL_PROGRAMMER), io.modemflash.vectors.samples.SampleLoaders.loader(
                io.modemflash.vectors.samples.SampleLoaders.EDL_MSM_ID, 1, 0,
                io.modemflash.vectors.samples.SampleLoaders.EDL_ROOT));
        try (EmulatedModem modem = start(Profiles.EDL, storage)) {
            Path tty = downloadTty(modem, modem.publishPty(dir), 1);
            CliRun r = run("download", other.toString(), "--tty", tty.toString(), "--json");
            assertEquals(ExitCode.WRONG_DEVICE.code, r.code(), r.err());
            assertTrue(r.last().get("message").asText().contains("it is for MSM 0x009600E1, the chip is 0x000CE0E1; "
                    + "nothing uploaded"), r.last().toString());
            r = run("download", fits.toString(), "--tty", tty.toString(), "--json");
            assertEquals(0, r.code(), r.err());
            assertTrue(modem.awaitApplicationMode(java.time.Duration.ofSeconds(10)));
            assertEdlStorage(storage);
        }
    }

    @Test
    void severalCweFilesAreWrittenInTheOrderGiven(@TempDir Path dir, @TempDir Path storage) throws Exception {
        Path pkg = samples.resolve(SamplePackages.EM7565_DIR);
        try (EmulatedModem modem = start(Profiles.EM7565, storage)) {
            Path tty = downloadTty(modem, modem.publishPty(dir), 1);
            CliRun r = run("download", pkg.resolve(SamplePackages.EM7565_NVU).toString(),
                    pkg.resolve(SamplePackages.EM7565_CWE).toString(), "--tty", tty.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(modem.awaitApplicationMode(java.time.Duration.ofSeconds(10)));
            List<Path> stored = modem.boot().images().images();
            assertArrayEquals(Files.readAllBytes(pkg.resolve(SamplePackages.EM7565_NVU)), Files.readAllBytes(stored.get(0)));
            assertArrayEquals(Files.readAllBytes(pkg.resolve(SamplePackages.EM7565_CWE)), Files.readAllBytes(stored.get(1)));
        }
    }

    @Test
    void aDisconnectExitsWith10AndTheSameCommandThenCompletes(@TempDir Path dir, @TempDir Path storage)
            throws Exception {
        String pkg = samples.resolve(SamplePackages.EDL_DIR).toString();
        try (EmulatedModem modem = start(Profiles.EDL, storage, "disconnect:download:200000")) {
            PtyFace face = modem.publishPty(dir);
            Path tty = downloadTty(modem, face, 1);
            CliRun r = run("download", pkg, "--tty", tty.toString(), "--json");
            assertEquals(ExitCode.DEVICE_GONE.code, r.code(), r.err());
            assertFalse(r.last().get("ok").asBoolean());
            assertEquals(1, r.err().lines().filter(l -> l.startsWith("modemflash: ")).count(), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace");

            tty = downloadTty(modem, face, 2);
            r = run("download", pkg, "--tty", tty.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(modem.awaitApplicationMode(java.time.Duration.ofSeconds(10)));
            assertEdlStorage(storage);
        }
    }

    /**
     * {@code download PKG --tty DIR/dev/ttyUSB0 --json} on a modem with {@code fault} exits with
     * {@code code} and one error line containing {@code says}; the fault stays with that device
     * (a NAK every time, a programmer signed for another OEM), so the same command line then
     * runs on a healthy modem with the same flash, published at the same place, and completes.
     */
    static CliRun failsThenCompletes(Path dir, Path storage, String fault, ExitCode code, String says) throws Exception {
        String pkg = samples.resolve(SamplePackages.EDL_DIR).toString();
        String tty = dir.resolve("dev/ttyUSB0").toString();
        CliRun failed;
        try (EmulatedModem modem = start(Profiles.EDL, storage, fault)) {
            assertEquals(tty, downloadTty(modem, modem.publishPty(dir), 1).toString());
            failed = run("download", pkg, "--tty", tty, "--json");
            assertEquals(code.code, failed.code(), failed.err());
            assertFalse(failed.last().get("ok").asBoolean());
            List<String> errors = failed.err().lines().filter(l -> l.startsWith("modemflash: ")).toList();
            assertEquals(1, errors.size(), failed.err());
            assertTrue(errors.get(0).contains(says), errors.get(0));
            assertFalse(failed.err().contains("\tat "), "no stack trace");
        }
        try (EmulatedModem modem = start(Profiles.EDL, storage)) {
            assertEquals(tty, downloadTty(modem, modem.publishPty(dir), 1).toString());
            CliRun r = run("download", pkg, "--tty", tty, "--json");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.last().get("ok").asBoolean());
            assertTrue(modem.awaitApplicationMode(java.time.Duration.ofSeconds(10)));
            assertEdlStorage(storage);
        }
        return failed;
    }

    @Test
    void aNakExitsWith6WithTheProgrammersReasonAndTheSameCommandThenCompletes(@TempDir Path dir, @TempDir Path storage)
            throws Exception {
        // the reason is the one the programmer logged before its NAK (FirehoseTarget's ERROR log)
        CliRun r = failsThenCompletes(dir, storage, "nak:program", ExitCode.PROTOCOL, "injected fault: NAK of <program>");
        assertTrue(r.err().contains("gpt_main0.bin"), "names the image: " + r.err());
    }

    @Test
    void aRejectedProgrammerExitsWith6AndTheSameCommandThenCompletes(@TempDir Path dir, @TempDir Path storage)
            throws Exception {
        failsThenCompletes(dir, storage, "reject-programmer", ExitCode.PROTOCOL,
                "programmer rejected: hash table auth failure");
    }

    @Test
    void aSectorStoredWronglyFailsTheDigestCheckWith8NamingThePartitionAndARerunRepairsIt(@TempDir Path dir,
                                                                                        @TempDir Path storage)
            throws Exception {
        String pkg = samples.resolve(SamplePackages.EDL_DIR).toString();
        try (EmulatedModem modem = start(Profiles.EDL, storage, "corrupt-sector:modem")) {
            PtyFace face = modem.publishPty(dir);
            Path tty = downloadTty(modem, face, 1);
            CliRun r = run("download", pkg, "--tty", tty.toString(), "--json");
            assertEquals(ExitCode.VERIFY_MISMATCH.code, r.code(), r.err());
            String message = r.last().get("message").asText();
            assertTrue(message.contains("modem.img -> modem") && message.contains("does not hold what was written"),
                    message);
            assertTrue(message.startsWith("verify of modem.img"), message);
            assertFalse(r.err().contains("\tat "), "no stack trace");

            // the fault fired once: the same command (the programmer still runs, no reset after a failure)
            // rewrites the partition and proves every region
            r = run("download", pkg, "--tty", tty.toString(), "--json");
            assertEquals(0, r.code(), r.err());
            assertTrue(modem.awaitApplicationMode(java.time.Duration.ofSeconds(10)));
            assertEdlStorage(storage);
            var digests = r.last().get("digests");
            // gpt_main0, sbl1, modem, gpt_backup0, system (2 RAW + 1 FILL runs), persist
            assertEquals(8, digests.size(), digests.toString());
            for (var d : digests) {
                assertEquals("getsha256digest", d.get("method").asText());
                assertEquals(64, d.get("sha256").asText().length());
            }
            byte[] lun0 = Files.readAllBytes(storage.resolve("lun0.img"));
            var modemCheck = digests.get(2);
            assertEquals("modem.img -> modem", modemCheck.get("image").asText());
            int at = modemCheck.get("start_sector").asInt() * SamplePackages.EDL_SECTOR_SIZE;
            int len = modemCheck.get("sectors").asInt() * SamplePackages.EDL_SECTOR_SIZE;
            assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(java.util.Arrays.copyOfRange(lun0, at, at + len))), modemCheck.get("sha256").asText());
        }
    }

    @Test
    void withoutTheDigestCheckTheWronglyStoredSectorGoesUnnoticed(@TempDir Path dir, @TempDir Path storage)
            throws Exception {
        String pkg = samples.resolve(SamplePackages.EDL_DIR).toString();
        try (EmulatedModem modem = start(Profiles.EDL, storage, "corrupt-sector:2")) {
            Path tty = downloadTty(modem, modem.publishPty(dir), 1);
            CliRun r = run("download", pkg, "--tty", tty.toString(), "--json", "--no-digest-verify");
            assertEquals(0, r.code(), r.err());
            assertEquals(0, r.last().get("digests").size());
            assertTrue(modem.awaitApplicationMode(java.time.Duration.ofSeconds(10)));
            assertThrows(AssertionError.class, () -> assertEdlStorage(storage), "sbl1 holds a flipped byte");
        }
    }

    @Test
    void selectorErrors(@TempDir Path dir) throws Exception {
        String pkg = samples.resolve(SamplePackages.EDL_DIR).toString();
        CliRun r = run("download", pkg, "--tty", dir.resolve("ttyUSB9").toString());
        assertEquals(ExitCode.DEVICE_NOT_FOUND.code, r.code(), r.err());
        assertTrue(r.err().contains("no tty"), r.err());
        r = run("download", pkg, "--tty", "/dev/ttyUSB0", "--port", "2-1");
        assertEquals(ExitCode.USAGE.code, r.code(), r.err());
        Path file = Files.writeString(dir.resolve("plain"), "x");
        r = run("download", pkg, "--tty", file.toString());
        assertEquals(ExitCode.DEVICE_NOT_FOUND.code, r.code(), r.err());
        assertTrue(r.err().contains("not a usable tty"), r.err());
    }
}
