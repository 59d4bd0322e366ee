package io.modemflash.updater.pipeline;

import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.updater.api.ExitCode;
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
            assertEquals("enter-download", plan(r).path("start_at").asText());
            // what would be sent, in order: in the plan event and in the human text
            List<String> sends = new ArrayList<>();
            plan(r).path("steps").forEach(st -> sends.add(st.path("stage").asText() + ": " + st.path("send").asText()));
            assertEquals(List.of(
                    "enter-download: DMS Set Firmware Preference (modem 02.38.00.00_?, pri 002.079_000 GENERIC, "
                            + "override=no)",
                    "enter-download: DMS Set Operating Mode offline",
                    "enter-download: DMS Set Operating Mode reset",
                    "download: QDL DLOAD SDP, then Hello (version 6, 5 or 4)",
                    "download: QDL Open-unframed, Write-unframed, Close-unframed: " + SamplePackages.MC7455_FILE + " ("
                            + Files.size(samples.mc7455()) + " bytes)",
                    "reset: QDL Reset",
                    "verify: DMS Get Revision and the other identity reads (nothing is changed)"), sends);
            assertEquals("DMS Set Firmware ID, else DMS Set Boot Image Download Mode 1 (boot and recovery), else "
                    + "AT!BOOTHOLD on the AT tty instead of offline and reset",
                    plan(r).path("steps").get(0).path("if_refused").asText());
            assertTrue(r.err().contains("would send, in order:\n  1. enter-download: DMS Set Firmware Preference "
                    + "(modem 02.38.00.00_?, pri 002.079_000 GENERIC, override=no)\n"), r.err());
            assertTrue(r.err().contains("  6. reset: QDL Reset\n"), r.err());
            assertEquals("end verify skipped", r.stageEvents().get(r.stageEvents().size() - 1));
            assertNull(bench.modem.qmi().firmwarePreference().stream()
                    .filter(i -> i.buildId().startsWith("02.38")).findAny().orElse(null));
            assertEquals(QmiEngine.Phase.APPLICATION, bench.modem.phase());
            assertEquals(0, bench.modem.boot().sessions(), "never in download mode");
            assertEquals(List.of(), bench.modem.boot().images().images());
            assertEquals(0, bench.modem.qmi().totalAllocatedClientIds());
            assertFalse(Files.exists(dir.resolve("state")));
        }
    }

    @Test
    void anEdlDryRunListsTheSaharaAndFirehoseStepsAndWritesNothing() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.EDL, FaultPlan.NONE, dir)) {
            EmulatedBench.Run r = bench.update(samples.edl(), EmulatedBench.fastOptions(dir.resolve("state"))
                    .withFlags(true, false, false, false, false));
            assertTrue(r.result().ok(), r.result().message());
            List<String> sends = new ArrayList<>();
            plan(r).path("steps").forEach(st -> sends.add(st.path("stage").asText() + ": " + st.path("send").asText()));
            assertEquals("enter-download: DMS Set Firmware ID", sends.get(0));
            assertTrue(plan(r).path("steps").get(0).path("if_refused").asText().contains("QCDM download command"));
            assertEquals("download: Sahara: upload the programmer prog_firehose_ddr.elf (22784 bytes)", sends.get(3));
            assertEquals("download: Firehose configure ufs, else nand, else emmc", sends.get(4));
            assertTrue(sends.contains("download: Firehose program sbl1.mbn to sbl1 (LUN 0, sector 6, 13 sectors)"),
                    sends.toString());
            assertTrue(sends.contains("download: Firehose setbootablestoragedrive 0"), sends.toString());
            assertEquals("reset: Firehose power reset", sends.get(sends.size() - 2));
            assertTrue(r.err().contains("  6. download: Firehose program gpt_main0.bin to PrimaryGPT (LUN 0, sector 0, "
                    + "6 sectors)"), r.err());
            assertEquals(QmiEngine.Phase.APPLICATION, bench.modem.phase());
            assertEquals(0, bench.modem.boot().sessions(), "never in download mode");
            assertEquals(0, bench.modem.boot().blocks().writes(), "nothing written");
            assertFalse(Files.exists(dir.resolve("state")));
        }
    }

    static com.fasterxml.jackson.databind.JsonNode plan(EmulatedBench.Run r) {
        return r.events().stream().filter(e -> e.path("event").asText().equals("plan")).findFirst().orElseThrow();
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
