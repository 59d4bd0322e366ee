package io.modemflash.updater.pipeline;

import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.updater.cli.ExitCode;
import io.modemflash.vectors.samples.ExpectedStorage;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The whole pipeline against emulated modems on a sysfs bench, with the sample packages. */
class UpdatePipelineTest {
    @TempDir
    static Path sampleDir;
    static Samples samples;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeSamples() throws Exception {
        samples = Samples.write(sampleDir);
    }

    static List<String> fullRun() {
        List<String> out = new ArrayList<>();
        for (Stage s : Stage.values()) {
            if (s != Stage.INSPECT) {
                out.add("start " + s.label());
                out.add("end " + s.label());
            }
        }
        return out;
    }

    @Test
    void mc7455UpdatesOverSierraQdlAndRunsTheNewFirmware() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir)) {
            EmulatedBench.Run r = bench.update(samples.mc7455(), EmulatedBench.fastOptions(dir.resolve("state")));
            assertTrue(r.result().ok(), r.result().message() + "\n" + r.err());
            assertEquals(fullRun(), r.stageEvents());
            assertEquals("firmware-preference", r.stageEnd(Stage.ENTER_DOWNLOAD).path("method").asText());
            assertEquals("1199:9070", r.stageEnd(Stage.AWAIT_DOWNLOAD_DEVICE).path("usb_id").asText());
            assertEquals("02.38.00.00", r.stageEnd(Stage.VERIFY).path("firmware").asText());
            assertEquals("002.079_000", r.stageEnd(Stage.VERIFY).path("config").asText());
            Path spk = samples.mc7455(); // SamplePackages.mc7455 returns the .spk itself
            assertEquals(List.of(bench.storage.resolve("cwe/001-SPKG.cwe")), bench.modem.boot().images().images());
            assertArrayEquals(Files.readAllBytes(spk), Files.readAllBytes(bench.storage.resolve("cwe/001-SPKG.cwe")));
            assertEquals(QmiEngine.Phase.APPLICATION, bench.modem.phase());
            assertFalse(Files.exists(dir.resolve("state/2-1.json")), "journal removed after success");
            assertEquals(0, bench.modem.qmi().totalAllocatedClientIds(), "no client id left behind");
        }
    }

    @Test
    void em7565UpdatesOverSierraFirehoseWithBothFiles() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.EM7565, FaultPlan.NONE, dir)) {
            EmulatedBench.Run r = bench.update(samples.em7565(), EmulatedBench.fastOptions(dir.resolve("state")));
            assertTrue(r.result().ok(), r.result().message() + "\n" + r.err());
            assertEquals(fullRun(), r.stageEvents());
            assertEquals("1199:9090", r.stageEnd(Stage.AWAIT_DOWNLOAD_DEVICE).path("usb_id").asText());
            assertEquals(SamplePackages.EM7565_FIRMWARE, r.stageEnd(Stage.VERIFY).path("firmware").asText());
            List<Path> stored = bench.modem.boot().images().images();
            assertEquals(2, stored.size());
            assertArrayEquals(Files.readAllBytes(samples.em7565().resolve(SamplePackages.EM7565_CWE)),
                    Files.readAllBytes(stored.get(0)));
            assertArrayEquals(Files.readAllBytes(samples.em7565().resolve(SamplePackages.EM7565_NVU)),
                    Files.readAllBytes(stored.get(1)));
        }
    }

    @Test
    void edlUpdatesThroughSaharaAndFirehoseAndTheLunsHoldThePackage() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.EDL, FaultPlan.NONE, dir)) {
            EmulatedBench.Run r = bench.update(samples.edl(), EmulatedBench.fastOptions(dir.resolve("state")));
            assertTrue(r.result().ok(), r.result().message() + "\n" + r.err());
            assertEquals(fullRun(), r.stageEvents());
            assertEquals("boot-image-download-mode", r.stageEnd(Stage.ENTER_DOWNLOAD).path("method").asText());
            assertEquals("05c6:9008", r.stageEnd(Stage.AWAIT_DOWNLOAD_DEVICE).path("usb_id").asText());
            assertTrue(r.stageEnd(Stage.VERIFY).path("revision").asText().contains("MPSS.AT.4.0-00042-SDX_GEN_PACK-1"),
                    r.stageEnd(Stage.VERIFY).toString());
            Map<Integer, byte[]> expected = ExpectedStorage.forSample(samples.edl());
            for (Map.Entry<Integer, byte[]> e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), Files.readAllBytes(bench.modem.boot().blocks().lunFile(e.getKey())),
                        "LUN " + e.getKey());
            }
        }
    }

    @Test
    void dryRunPrintsThePlanAndTouchesNothing() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir)) {
            EmulatedBench.Run r = bench.update(samples.mc7455(), EmulatedBench.fastOptions(dir.resolve("state"))
                    .withFlags(true, false, false, false, false));
            assertTrue(r.result().ok());
            assertEquals("enter-download", r.events().stream().filter(e -> e.path("event").asText().equals("plan"))
                    .findFirst().orElseThrow().path("start_at").asText());
            assertEquals("end verify skipped", r.stageEvents().get(r.stageEvents().size() - 1));
            assertNull(bench.modem.qmi().firmwarePreference().stream()
                    .filter(i -> i.buildId().startsWith("02.38")).findAny().orElse(null));
            assertEquals(QmiEngine.Phase.APPLICATION, bench.modem.phase());
            assertEquals(0, bench.modem.qmi().totalAllocatedClientIds());
            assertFalse(Files.exists(dir.resolve("state")));
        }
    }

    @Test
    void aPackageForAnotherProductIsRefusedUnlessForced() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir)) {
            EmulatedBench.Run r = bench.update(samples.em7565(), EmulatedBench.fastOptions(null));
            assertEquals(ExitCode.WRONG_DEVICE, r.result().exitCode());
            assertTrue(r.result().message().contains("9X50"), r.result().message());
            assertEquals(QmiEngine.Phase.APPLICATION, bench.modem.phase());
            EmulatedBench.Run forced = bench.update(samples.em7565(), EmulatedBench.fastOptions(null)
                    .withFlags(true, false, false, true, false));
            assertTrue(forced.result().ok(), forced.result().message());
        }
    }

    @Test
    void alreadyRunningTheFirmwareIsReportedAndNothingIsFlashed() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir)) {
            EmulatedBench.Run r = bench.update(samples.mc7455(), EmulatedBench.fastOptions(null)
                    .withVersions("02.33.03.00", "002.072_000", "GENERIC", null));
            assertTrue(r.result().ok());
            assertEquals(Boolean.TRUE, r.result().fields().get("already_running"));
            assertEquals(QmiEngine.Phase.APPLICATION, bench.modem.phase());
            assertEquals(List.of(), bench.modem.boot().images().images());
        }
    }

    @Test
    void aStoredButNotRunningVersionFailsWithTheOverrideAdvice() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir)) {
            EmulatedBench.Run r = bench.update(samples.mc7455(), EmulatedBench.fastOptions(null)
                    .withVersions("02.30.01.01", "002.068_000", "ATT", null));
            assertEquals(ExitCode.PROTOCOL, r.result().exitCode());
            assertTrue(r.result().message().contains("--override-download"), r.result().message());
            assertEquals("enter-download", r.result().fields().get("stage"));
            assertEquals(QmiEngine.Phase.APPLICATION, bench.modem.phase());
        }
    }
}
