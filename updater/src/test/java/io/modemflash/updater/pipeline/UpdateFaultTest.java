package io.modemflash.updater.pipeline;

import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profiles;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.PackageImage;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.vectors.samples.ExpectedStorage;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fault matrix: each way an update goes wrong ends in its own exit code, at the stage
 * where it happened, with a message naming it; where the modem is still alive, the same
 * command run again (the fault gone) ends in a verified update; an interrupted download resumes.
 * Stall, no re-enumeration and never returning share exit code 7 (timeout): the result's
 * stage and message tell them apart.
 */
class UpdateFaultTest {
    @TempDir
    static Path sampleDir;
    static Samples samples;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeSamples() throws Exception {
        samples = Samples.write(sampleDir);
    }

    private int runs;

    /** Where the failed run left the modem, so where the same command finds it again. */
    enum LeftIn { APPLICATION_MODE, DOWNLOAD_MODE }

    /** The modem's flash, kept across the runs of one test (one modem, power-cycled between runs). */
    private Path flash() {
        return dir.resolve("flash");
    }

    private UpdateOptions options(Map<Stage, Duration> timeouts) {
        return EmulatedBench.fastOptions(dir.resolve("state")).withTimeouts(timeouts);
    }

    private EmulatedBench.Run run(Profile p, String fault, EmulatedBench.Bus bus, Path pkg, UpdateOptions opt)
            throws Exception {
        Path where = Files.createDirectories(dir.resolve("run" + runs++));
        try (EmulatedBench bench = new EmulatedBench(p, fault == null ? FaultPlan.NONE
                : FaultPlan.parse(List.of(fault)), where, flash(), bus)) {
            return bench.update(pkg, opt);
        }
    }

    private EmulatedBench.Run run(Profile p, String fault, EmulatedBench.Bus bus, Path pkg, Map<Stage, Duration> t)
            throws Exception {
        return run(p, fault, bus, pkg, options(t));
    }

    private static void fails(EmulatedBench.Run r, ExitCode code, Stage stage, String inMessage) {
        assertFalse(r.result().ok());
        assertEquals(code, r.result().exitCode(), r.result().message());
        assertEquals(stage.label(), r.result().fields().get("stage"), r.result().message());
        assertTrue(r.result().message().contains(inMessage), r.result().message());
        assertEquals("end " + stage.label() + " FAILED", r.stageEvents().get(r.stageEvents().size() - 1));
    }

    /**
     * The same command once more (same options, state dir and flash) on the same modem, the
     * fault gone: a verified update, the flash holding the package, the journal removed.
     */
    private EmulatedBench.Run completesAgain(Profile p, Path pkg, UpdateOptions opt, LeftIn left) throws Exception {
        Path where = Files.createDirectories(dir.resolve("run" + runs++));
        try (EmulatedBench bench = new EmulatedBench(p, FaultPlan.NONE, where, flash(), EmulatedBench.Bus.NORMAL)) {
            if (left == LeftIn.DOWNLOAD_MODE) {
                bench.modem.boot().enterDownloadMode();
                bench.awaitDownloadDevice();
            }
            EmulatedBench.Run r = bench.update(pkg, opt);
            assertTrue(r.result().ok(), r.result().message() + "\n" + r.err());
            assertEquals("end verify", r.stageEvents().get(r.stageEvents().size() - 1), r.stageEvents().toString());
            assertEquals(left == LeftIn.DOWNLOAD_MODE ? "download" : "enter-download",
                    plan(r).path("start_at").asText());
            assertFlashHolds(bench, pkg);
            assertFalse(Files.exists(dir.resolve("state/" + EmulatedBench.PORT + ".json")), "journal removed");
            return r;
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode plan(EmulatedBench.Run r) {
        return r.events().stream().filter(e -> e.path("event").asText().equals("plan")).findFirst().orElseThrow();
    }

    /** EDL: every LUN as the flat build says. Sierra: the last images the modem stored are the package's files. */
    private static void assertFlashHolds(EmulatedBench bench, Path pkg) throws Exception {
        if (bench.modem.boot().blocks() != null) {
            for (Map.Entry<Integer, byte[]> e : ExpectedStorage.forSample(pkg).entrySet()) {
                assertArrayEquals(e.getValue(), Files.readAllBytes(bench.modem.boot().blocks().lunFile(e.getKey())),
                        "LUN " + e.getKey());
            }
            return;
        }
        List<Path> stored = bench.modem.boot().images().images();
        try (FirmwarePackage p = FirmwarePackage.open(pkg, Limits.defaults())) {
            List<PackageImage> images = p.images();
            assertTrue(stored.size() >= images.size(), stored.toString());
            List<Path> last = stored.subList(stored.size() - images.size(), stored.size());
            for (int i = 0; i < images.size(); i++) {
                assertArrayEquals(Files.readAllBytes(images.get(i).path()), Files.readAllBytes(last.get(i)),
                        images.get(i).name());
            }
        }
    }

    @Test
    void qmiErrorIsAProtocolFailureAndTheSameCommandThenUpdates() throws Exception {
        UpdateOptions opt = options(Map.of());
        fails(run(Profiles.MC7455, "qmi-error:dms-set-firmware-preference:Internal", EmulatedBench.Bus.NORMAL,
                samples.mc7455(), opt), ExitCode.PROTOCOL, Stage.ENTER_DOWNLOAD,
                "DMS Set Firmware Preference failed: Internal");
        completesAgain(Profiles.MC7455, samples.mc7455(), opt, LeftIn.APPLICATION_MODE);
    }

    @Test
    void noReEnumerationTimesOutAndTheSameCommandThenUpdates() throws Exception {
        UpdateOptions opt = options(Map.of(Stage.AWAIT_DOWNLOAD_DEVICE, Duration.ofSeconds(1)));
        EmulatedBench.Run r = run(Profiles.MC7455, null, EmulatedBench.Bus.NEVER_REENUMERATES, samples.mc7455(), opt);
        fails(r, ExitCode.TIMEOUT, Stage.AWAIT_DOWNLOAD_DEVICE, "did not re-enumerate within 1 s");
        assertTrue(r.result().message().contains("still 1199:9071 in application mode"), r.result().message());
        // the modem never left the bus: the next run finds it as it was
        completesAgain(Profiles.MC7455, samples.mc7455(), opt, LeftIn.APPLICATION_MODE);
    }

    @Test
    void aNakedProgramIsAProtocolFailureAndTheSameCommandThenUpdates() throws Exception {
        UpdateOptions opt = options(Map.of());
        fails(run(Profiles.EDL, "nak:program", EmulatedBench.Bus.NORMAL, samples.edl(), opt), ExitCode.PROTOCOL,
                Stage.DOWNLOAD, "program of gpt_main0.bin: programmer refused <program>: injected fault: NAK");
        completesAgain(Profiles.EDL, samples.edl(), opt, LeftIn.DOWNLOAD_MODE);
    }

    @Test
    void aSectorStoredWronglyIsAVerificationMismatchNamingThePartitionAndTheSameCommandRewritesIt() throws Exception {
        UpdateOptions opt = options(Map.of());
        fails(run(Profiles.EDL, "corrupt-sector:modem", EmulatedBench.Bus.NORMAL, samples.edl(), opt),
                ExitCode.VERIFY_MISMATCH, Stage.DOWNLOAD, "verify of modem.img: modem.img -> modem (LUN 0");
        // the journal holds what was proven before it (gpt_main0, sbl1): the rerun starts at modem.img
        EmulatedBench.Run again = completesAgain(Profiles.EDL, samples.edl(), opt, LeftIn.DOWNLOAD_MODE);
        String digests = String.valueOf(again.result().fields().get("digests"));
        assertTrue(digests.contains("\"image\":\"modem.img -> modem\"") && !digests.contains("sbl1.mbn"), digests);
    }

    @Test
    void aStallIsCutByTheStageTimeoutAndTheSameCommandThenUpdates() throws Exception {
        // the same limit also bounds the rerun's whole EDL download: room for a loaded machine
        UpdateOptions opt = options(Map.of(Stage.DOWNLOAD, Duration.ofSeconds(8)));
        fails(run(Profiles.EDL, "stall:program", EmulatedBench.Bus.NORMAL, samples.edl(), opt), ExitCode.TIMEOUT,
                Stage.DOWNLOAD, "stage download did not finish within 8 s (program of gpt_main0.bin");
        completesAgain(Profiles.EDL, samples.edl(), opt, LeftIn.DOWNLOAD_MODE);
    }

    @Test
    void returningWithTheOldFirmwareIsAVerificationMismatchNamingBothAndTheSameCommandThenUpdates()
            throws Exception {
        UpdateOptions opt = options(Map.of());
        fails(run(Profiles.MC7455, "reboot-old", EmulatedBench.Bus.NORMAL, samples.mc7455(), opt),
                ExitCode.VERIFY_MISMATCH, Stage.VERIFY, "the modem runs 02.33.03.00 / 002.072_000 / GENERIC, "
                        + "not the planned 02.38.00.00 / 002.079_000 / GENERIC");
        completesAgain(Profiles.MC7455, samples.mc7455(), opt, LeftIn.APPLICATION_MODE);
    }

    @Test
    void reportingAVersionItWasNotGivenIsAVerificationMismatchAndTheSameCommandThenUpdates() throws Exception {
        UpdateOptions opt = options(Map.of());
        EmulatedBench.Run r = run(Profiles.EM7565, "wrong-version", EmulatedBench.Bus.NORMAL, samples.em7565(), opt);
        fails(r, ExitCode.VERIFY_MISMATCH, Stage.VERIFY, "not the planned " + SamplePackages.EM7565_FIRMWARE);
        completesAgain(Profiles.EM7565, samples.em7565(), opt, LeftIn.APPLICATION_MODE);
    }

    @Test
    void skipVerifySkipsTheVerifyStageThatOtherwiseFailsOnTheOldFirmware() throws Exception {
        UpdateOptions opt = options(Map.of());
        EmulatedBench.Run skipped = run(Profiles.MC7455, "reboot-old", EmulatedBench.Bus.NORMAL, samples.mc7455(),
                opt.withFlags(false, false, false, false, true));
        assertEquals(ExitCode.OK, skipped.result().exitCode(), skipped.result().message());
        assertEquals("--skip-verify", skipped.stageEnd(Stage.VERIFY).path("skipped").asText());
        fails(run(Profiles.MC7455, "reboot-old", EmulatedBench.Bus.NORMAL, samples.mc7455(), opt),
                ExitCode.VERIFY_MISMATCH, Stage.VERIFY, "not the planned");
    }

    @Test
    void aModemThatNeverReturnsTimesOut() throws Exception {
        fails(run(Profiles.MC7455, null, EmulatedBench.Bus.NEVER_RETURNS, samples.mc7455(),
                Map.of(Stage.AWAIT_MODEM, Duration.ofMillis(300))), ExitCode.TIMEOUT, Stage.AWAIT_MODEM,
                "no modem (application mode) appeared on USB port 2-1 within 300 ms (nothing is on the port)");
    }

    @Test
    void aDisconnectMidDownloadFailsThenTheSameCommandResumesAndSkipsWhatWasWritten() throws Exception {
        Path cwe = samples.em7565().resolve(SamplePackages.EM7565_CWE);
        long afterCwe = (Files.size(cwe) + 4095) / 4096 * 4096 + 1000; // inside the .nvu (sectors of 4096 on the link)
        try (EmulatedBench bench = new EmulatedBench(Profiles.EM7565,
                FaultPlan.parse(List.of("disconnect:download:" + afterCwe)), dir)) {
            UpdateOptions opt = EmulatedBench.fastOptions(dir.resolve("state"));
            EmulatedBench.Run first = bench.update(samples.em7565(), opt);
            assertEquals(ExitCode.DEVICE_GONE, first.result().exitCode(), first.result().message());
            assertEquals("download", first.result().fields().get("stage"));
            assertTrue(first.result().message().startsWith("the device disconnected during download (program of "
                    + SamplePackages.EM7565_NVU), first.result().message());
            assertTrue(first.result().message().endsWith("run the same command again to continue"),
                    first.result().message());
            String journal = Files.readString(dir.resolve("state/2-1.json"));
            assertTrue(journal.contains(SamplePackages.EM7565_CWE), journal);

            // the modem came back in download mode (its second enumeration there): the same command continues
            for (int i = 0; i < 1000 && bench.modem.boot().sessions() < 2; i++) {
                Thread.sleep(10);
            }
            assertEquals(2, bench.modem.boot().sessions());
            bench.awaitDownloadDevice();
            EmulatedBench.Run second = bench.update(samples.em7565(), opt);
            assertTrue(second.result().ok(), second.result().message() + "\n" + second.err());
            assertEquals("end enter-download skipped", second.stageEvents().get(5));
            assertTrue(second.events().stream().anyMatch(e -> e.path("event").asText().equals("image")
                    && e.path("what").asText().equals("skipped")
                    && e.path("image").asText().equals(SamplePackages.EM7565_CWE)), second.events().toString());
            List<Path> stored = bench.modem.boot().images().images();
            assertEquals(2, stored.size(), stored.toString());
            assertArrayEquals(Files.readAllBytes(cwe), Files.readAllBytes(stored.get(0)));
            assertArrayEquals(Files.readAllBytes(samples.em7565().resolve(SamplePackages.EM7565_NVU)),
                    Files.readAllBytes(stored.get(1)));
            assertFalse(Files.exists(dir.resolve("state/2-1.json")));
        }
    }

    @Test
    void aDeviceFoundInDownloadModeStartsAtTheDownload() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.EDL, FaultPlan.NONE, dir)) {
            bench.modem.boot().enterDownloadMode();
            bench.awaitDownloadDevice();
            EmulatedBench.Run r = bench.update(samples.edl(), EmulatedBench.fastOptions(dir.resolve("state")));
            assertTrue(r.result().ok(), r.result().message() + "\n" + r.err());
            assertEquals("download", r.events().stream().filter(e -> e.path("event").asText().equals("plan"))
                    .findFirst().orElseThrow().path("start_at").asText());
            for (Map.Entry<Integer, byte[]> e : ExpectedStorage.forSample(samples.edl()).entrySet()) {
                assertArrayEquals(e.getValue(), Files.readAllBytes(bench.modem.boot().blocks().lunFile(e.getKey())));
            }
        }
    }

    /** Gives the bench modem a serial port on interface N whose far end the test plays. */
    private static io.modemflash.posix.Pty serialPort(EmulatedBench bench, int iface, String name) throws Exception {
        io.modemflash.posix.Pty pty = io.modemflash.posix.Pty.open();
        io.modemflash.posix.Termios.makeRaw(pty.master());
        Path ifd = bench.fs.deviceDir(EmulatedBench.PORT).resolve(EmulatedBench.PORT + ":1." + iface);
        bench.fs.tty(ifd, name, false);
        Files.createSymbolicLink(bench.fs.dev.resolve(name), pty.slavePath());
        return pty;
    }

    /** Reads n bytes from the test's end of the port, answers, then puts the modem in download mode. */
    private static java.util.concurrent.CompletableFuture<byte[]> answerThenBoot(io.modemflash.posix.Pty pty, int n,
                                                                                 byte[] answer, EmulatedBench bench) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                byte[] got = new byte[n];
                int have = 0;
                while (have < n) {
                    int r = pty.master().read(got, have, n - have, 10_000);
                    if (r <= 0) {
                        return java.util.Arrays.copyOf(got, have);
                    }
                    have += r;
                }
                pty.master().write(answer == null ? got : answer);
                bench.modem.boot().enterDownloadMode();
                return got;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void qmiRefusingEveryWaySendsTheQcdmDownloadCommandOnTheDiagPort() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.EDL, FaultPlan.parse(List.of(
                "qmi-error:dms-set-boot-image-download-mode:NotSupported")), dir);
             io.modemflash.posix.Pty diag = serialPort(bench, 0, "ttyUSB5")) {
            var modem = answerThenBoot(diag, 7, null, bench);
            EmulatedBench.Run r = bench.update(samples.edl(), EmulatedBench.fastOptions(dir.resolve("state")));
            assertTrue(r.result().ok(), r.result().message() + "\n" + r.err());
            assertEquals("qcdm-download", r.stageEnd(Stage.ENTER_DOWNLOAD).path("method").asText());
            assertArrayEquals(new byte[] {0x4b, 0x65, 0x01, 0x00, 0x54, 0x0f, 0x7e}, modem.get(10,
                    java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void qmiRefusingEveryWayOnASierraModemSendsAtBoothold() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.parse(List.of(
                "qmi-error:dms-set-firmware-preference:InvalidQmiCommand", "qmi-error:dms-set-firmware-id:NotSupported",
                "qmi-error:dms-set-boot-image-download-mode:NotSupported")), dir);
             io.modemflash.posix.Pty at = serialPort(bench, 3, "ttyUSB7")) {
            var modem = answerThenBoot(at, "AT!BOOTHOLD\r".length(), "\r\nOK\r\n".getBytes(), bench);
            EmulatedBench.Run r = bench.update(samples.mc7455(), EmulatedBench.fastOptions(dir.resolve("state")));
            assertTrue(r.result().ok(), r.result().message() + "\n" + r.err());
            assertEquals("at-boothold", r.stageEnd(Stage.ENTER_DOWNLOAD).path("method").asText());
            assertEquals("AT!BOOTHOLD\r", new String(modem.get(10, java.util.concurrent.TimeUnit.SECONDS)));
        }
    }

    @Test
    /** Issue 13 item 18: a journal that says "downloaded" while the modem still runs the old firmware. */
    void killedAfterTheDownloadResumesAtVerifyAndAMismatchThereFlashesAgainInTheSameRun() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir);
             io.modemflash.images.FirmwarePackage pkg = io.modemflash.images.FirmwarePackage.open(samples.mc7455(),
                     io.modemflash.images.Limits.defaults())) {
            // a run killed while awaiting the modem, but this modem never got the new firmware
            Journal.of(dir.resolve("state"), EmulatedBench.PORT, null, UpdatePipeline.fingerprint(pkg))
                    .stage(Stage.AWAIT_MODEM);
            UpdateOptions opt = EmulatedBench.fastOptions(dir.resolve("state"));
            EmulatedBench.Run resumed = bench.update(samples.mc7455(), opt);
            assertTrue(resumed.result().ok(), resumed.result().message());
            List<String> stages = resumed.stageEvents();
            assertTrue(stages.contains("end download skipped"), stages.toString());
            int retried = stages.indexOf("end verify FAILED");
            assertTrue(retried > 0, "the resumed verify found the old firmware: " + stages);
            assertTrue(stages.subList(retried, stages.size()).contains("end download"),
                    "then the same run flashed: " + stages);
            assertEquals("end verify", stages.get(stages.size() - 1));
            assertFalse(Files.exists(dir.resolve("state/2-1.json")));
        }
    }
}
