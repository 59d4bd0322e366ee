package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Output;
import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.updater.discovery.FakeSysfs;
import io.modemflash.updater.pipeline.EmulatedBench;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** `update`, `boot-mode` and `devices` from the command line, on emulated modems in a sysfs-shaped tree. */
class UpdateCommandTest {
    @TempDir
    Path dir;

    record Run(int code, List<JsonNode> events, String err) {
        List<JsonNode> named(String name) {
            return events.stream().filter(e -> e.path("event").asText().equals(name)).toList();
        }
    }

    static Run run(String... args) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : o.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{")) {
                events.add(Output.mapper().readTree(line));
            }
        }
        return new Run(code, events, e.toString(StandardCharsets.UTF_8));
    }

    private String[] args(Path root, String... rest) {
        List<String> a = new ArrayList<>(List.of(rest));
        a.addAll(List.of("--sysfs-root", root.toString(), "--dev-root", root.toString()));
        return a.toArray(String[]::new);
    }

    @Test
    void allModemsInParallelOneResultEachAndOneFailureDoesNotStopTheOther() throws Exception {
        Path pkg = SamplePackages.mc7455(dir.resolve("samples"));
        FakeSysfs fs = new FakeSysfs(dir.resolve("bench"));
        try (EmulatedBench good = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir.resolve("a"), fs, "2-1", 0,
                EmulatedBench.Bus.NORMAL);
             EmulatedBench bad = new EmulatedBench(Profiles.MC7455,
                     FaultPlan.parse(List.of("qmi-error:dms-get-revision:Internal")), dir.resolve("b"), fs, "2-2", 1,
                     EmulatedBench.Bus.NORMAL)) {
            Run r = run(args(fs.root, "update", pkg.toString(), "--all", "--dry-run", "--json"));
            assertEquals(ExitCode.PROTOCOL.code, r.code(), r.err());
            List<JsonNode> results = r.named("result");
            assertEquals(3, results.size(), r.events().toString());
            assertFalse(results.get(2).has("device"), "the last line is the run's overall result");
            assertEquals(ExitCode.PROTOCOL.code, results.get(2).path("exit_code").asInt());
            assertEquals("2-1", results.get(0).path("device").asText());
            assertTrue(results.get(0).path("ok").asBoolean());
            assertEquals("2-2", results.get(1).path("device").asText());
            assertFalse(results.get(1).path("ok").asBoolean());
            assertEquals(ExitCode.PROTOCOL.code, results.get(1).path("exit_code").asInt());
            assertEquals("probe", results.get(1).path("stage").asText());
            assertEquals(1, r.named("plan").size());
            assertEquals(QmiEngine.Phase.APPLICATION, good.modem.phase());
        }
    }

    @Test
    void deviceByDevPathOrPortAndAnUnknownOne() throws Exception {
        Path pkg = SamplePackages.mc7455(dir.resolve("samples"));
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir)) {
            Path root = dir.resolve("bench");
            Run byNode = run(args(root, "update", pkg.toString(), "-d", root.resolve("dev/cdc-wdm0").toString(),
                    "--dry-run", "--json"));
            assertEquals(0, byNode.code(), byNode.err());
            assertEquals("2-1", byNode.named("result").get(0).path("device").asText());
            Run byPort = run(args(root, "update", pkg.toString(), "-d", "2-1", "--dry-run"));
            assertEquals(0, byPort.code(), byPort.err());
            Run none = run(args(root, "update", pkg.toString(), "-d", "3-4", "--dry-run", "--json"));
            assertEquals(ExitCode.DEVICE_NOT_FOUND.code, none.code());
            assertTrue(none.err().contains("no modem at 3-4"), none.err());
            Run badStage = run(args(root, "update", pkg.toString(), "--timeout", "flash=3", "--dry-run"));
            assertEquals(ExitCode.USAGE.code, badStage.code(), badStage.err());
            assertTrue(badStage.err().contains("unknown stage 'flash'; stages: inspect, probe, plan, enter-download, "
                    + "await-download-device, download, reset, await-modem, verify"), badStage.err());
            Run zero = run(args(root, "update", pkg.toString(), "--timeout", "download=0", "--dry-run"));
            assertEquals(ExitCode.USAGE.code, zero.code(), zero.err());
        }
    }

    @Test
    void aTimeoutGivenOnTheCommandLineCutsItsStage() throws Exception {
        Path pkg = SamplePackages.mc7455(dir.resolve("samples"));
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir,
                EmulatedBench.Bus.NEVER_REENUMERATES)) {
            long t0 = System.nanoTime();
            Run r = run(args(dir.resolve("bench"), "update", pkg.toString(), "-d", "2-1", "--json", "--poll-ms", "10",
                    "--state-dir", dir.resolve("state").toString(), "--timeout", "await-download-device=1"));
            assertEquals(ExitCode.TIMEOUT.code, r.code(), r.err());
            assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "the 120 s default did not apply");
            JsonNode result = r.named("result").get(0);
            assertEquals("await-download-device", result.path("stage").asText(), result.toString());
            assertTrue(result.path("message").asText().contains("did not re-enumerate within 1 s"), result.toString());
            for (JsonNode start : r.named("stage-start")) {
                assertTrue(start.has("timeout_s"), start.toString());
                if (start.path("stage").asText().equals("await-download-device")) {
                    assertEquals(1, start.path("timeout_s").asInt());
                }
            }
        }
    }

    @Test
    void bootModeFollowsTheModemIntoDownloadMode() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir)) {
            Path root = dir.resolve("bench");
            Run r = run(args(root, "boot-mode", "-d", "2-1", "--json", "--poll-ms", "10", "--firmware-version",
                    "02.38.00.00", "--config-version", "002.079_000", "--carrier", "GENERIC"));
            assertEquals(0, r.code(), r.err());
            JsonNode res = r.named("result").get(0);
            assertEquals("firmware-preference", res.path("method").asText());
            assertEquals("1199:9070", res.path("download_device").path("usb_id").asText());
            assertEquals("download", res.path("download_device").path("mode").asText());
            Run again = run(args(root, "boot-mode", "-d", "2-1", "--json"));
            assertEquals(0, again.code(), again.err());
            JsonNode already = again.named("result").get(0);
            assertEquals("download", already.path("download_device").path("mode").asText());
            assertFalse(already.has("method"), "nothing was sent to a device already in download mode");
        }
    }

    @Test
    void bootModeWithAStoredVersionExplainsTheOverride() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir)) {
            Run r = run(args(dir.resolve("bench"), "boot-mode", "-d", "2-1", "--firmware-version", "02.33.03.00",
                    "--config-version", "002.072_000", "--carrier", "GENERIC"));
            assertEquals(ExitCode.PROTOCOL.code, r.code());
            assertTrue(r.err().contains("--override-download"), r.err());
            assertEquals(QmiEngine.Phase.APPLICATION, bench.modem.phase());
        }
    }

    @Test
    void aBadPackageFailsAtInspectAndTheResultSaysSo() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir)) {
            Run r = run(args(dir.resolve("bench"), "update", dir.resolve("missing.spk").toString(), "-d", "2-1",
                    "--json", "--state-dir", dir.resolve("state").toString()));
            assertEquals(ExitCode.BAD_PACKAGE.code, r.code(), r.err());
            JsonNode result = r.named("result").get(0);
            assertEquals("inspect", result.path("stage").asText(), result.toString());
            assertEquals("bad-package", result.path("error").asText());
            assertFalse(r.named("stage-end").get(0).path("ok").asBoolean());
            assertEquals(1, r.named("result").size());
        }
    }

    static final String MM_RUNNING = "ModemManager is running: it probes boot-mode ports and breaks the download. ";

    @Test
    void modemManagerRunningRefusesTheUpdateWithTheAdviceAndProxyGoesOnWithAWarning() throws Exception {
        Path mc7455 = SamplePackages.mc7455(dir.resolve("samples"));
        Path edl = SamplePackages.edl(dir.resolve("samples"));
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir)) {
            Path root = dir.resolve("bench");
            Run refused = run(args(root, "update", mc7455.toString(), "-d", "2-1", "--json", "--modemmanager",
                    "running", "--state-dir", dir.resolve("state").toString()));
            assertEquals(ExitCode.DEVICE_BUSY.code, refused.code(), refused.err());
            String advice = MM_RUNNING + "Stop it (systemctl stop ModemManager) or inhibit the modem, or pass --proxy "
                    + "to share the QMI port through qmi-proxy";
            assertEquals("modemflash: " + advice, refused.err().strip());
            assertEquals(advice, refused.named("result").get(0).path("message").asText());
            assertEquals("device-busy", refused.named("result").get(0).path("error").asText());
            assertTrue(refused.named("stage-start").isEmpty(), "refused before any stage");
            assertEquals(QmiEngine.Phase.APPLICATION, bench.modem.phase());

            // with --proxy it goes on (here with the modem in download mode, up to a plan that refuses the package)
            bench.modem.boot().enterDownloadMode();
            bench.awaitDownloadDevice();
            Run proxied = run(args(root, "update", edl.toString(), "-d", "2-1", "--json", "--modemmanager", "running",
                    "--proxy", "--state-dir", dir.resolve("state").toString()));
            assertEquals(ExitCode.WRONG_DEVICE.code, proxied.code(), proxied.err());
            assertEquals(MM_RUNNING + "Continuing with --proxy; if the download fails, inhibit the modem or stop "
                    + "ModemManager", proxied.named("warning").get(0).path("message").asText());
            assertEquals("plan", proxied.named("result").get(0).path("stage").asText());
        }
    }

    @Test
    void modemManagerRunningRefusesBootModeToo() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir)) {
            Run r = run(args(dir.resolve("bench"), "boot-mode", "-d", "2-1", "--modemmanager", "running"));
            assertEquals(ExitCode.DEVICE_BUSY.code, r.code(), r.err());
            assertTrue(r.err().contains(MM_RUNNING + "Stop it"), r.err());
            assertEquals(QmiEngine.Phase.APPLICATION, bench.modem.phase());
            Run bad = run(args(dir.resolve("bench"), "boot-mode", "-d", "2-1", "--modemmanager", "maybe"));
            assertEquals(ExitCode.USAGE.code, bad.code(), bad.err());
            assertEquals(QmiEngine.Phase.APPLICATION, bench.modem.phase());
        }
    }

    @Test
    void devicesListsTheBench() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.EM7565, FaultPlan.NONE, dir)) {
            Run r = run(args(dir.resolve("bench"), "devices", "--json"));
            assertEquals(0, r.code());
            JsonNode d = r.named("device").get(0);
            assertEquals("1199:9091", d.path("usb_id").asText());
            assertEquals("application", d.path("mode").asText());
            assertEquals(dir.resolve("bench/dev/cdc-wdm0").toString(), d.path("qmi").asText());
        }
    }
}
