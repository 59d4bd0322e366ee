package io.modemflash.updater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.updater.discovery.SystemRoots;
import io.modemflash.updater.pipeline.Samples;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 13's smaller contract items, each on the `modemflash` process against emulated modems
 * on the pty face (MODEMFLASH_SYSFS_ROOT/DEV_ROOT set for the child): each display name quotes
 * what the tool promises.
 */
@Execution(ExecutionMode.CONCURRENT)
class CliContractTest {
    @TempDir
    static Path sampleDir;
    static Samples samples;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeSamples() throws Exception {
        samples = Samples.write(sampleDir);
    }

    /** One run of the modemflash process: exit status, JSON events, stdout, stderr. */
    record Ran(int code, List<JsonNode> events, String out, String err) {
        JsonNode last() {
            return events.get(events.size() - 1);
        }

        long count(String event) {
            return events.stream().filter(e -> e.path("event").asText().equals(event)).count();
        }
    }

    private Ran cli(Map<String, String> env, String... args) throws Exception {
        try (ModemflashProcess p = ModemflashProcess.start(env, Files.createDirectories(dir.resolve("tmp")),
                List.of(args))) {
            int code = p.exit(180);
            return new Ran(code, p.events(), String.join("\n", p.lines()) + "\n", p.err());
        }
    }

    private static Map<String, String> env(PtyFace face) {
        return Map.of(SystemRoots.SYSFS_ENV, face.dir().toString(), SystemRoots.DEV_ENV, face.dir().toString());
    }

    private Ran update(PtyFace face, Path pkg, String... more) throws Exception {
        List<String> a = new ArrayList<>(List.of("update", pkg.toString(), "--json", "--state-dir",
                dir.resolve("state").toString(), "--poll-ms", "20", "--modem-retry-ms", "100"));
        a.addAll(List.of(more));
        return cli(env(face), a.toArray(String[]::new));
    }

    private static JsonNode stageEnd(Ran r, String stage) {
        return r.events().stream().filter(e -> e.path("event").asText().equals("stage-end")
                && e.path("stage").asText().equals(stage)).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    @DisplayName("README: \"--state-dir\" names where journals are kept: one that cannot hold them is a usage "
            + "error (exit 2), not an internal error (issue 13 item 6)")
    void anUnusableStateDirIsAUsageError() throws Exception {
        Ran r = cli(Map.of(), "update", samples.mc7455().toString(), "-d", "2-1", "--state-dir", "/proc/nope",
                "--json");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.last().path("message").asText().contains("--state-dir /proc/nope"), r.last().toString());
        assertEquals(2, r.last().path("exit_code").asInt());
    }

    @Test
    @DisplayName("README: \"modemflash devices shows what is on the bus and in which mode. A modem in download mode"
            + " ... is picked up\" by download, sahara and info as devices lists it (issue 13 items 7 and 16)")
    void everyCommandFindsDevicesAsDevicesDoes() throws Exception {
        try (EmulatedModem edl = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, dir.resolve("s"))) {
            PtyFace face = edl.publishPty(dir.resolve("pty"));
            Ran info = cli(env(face), "info", "-d", face.usbPort(), "--json");
            assertEquals(0, info.code(), info.err());
            assertEquals("SDX55", info.events().get(0).path("model").asText(), info.events().toString());

            edl.boot().enterDownloadMode();
            awaitDownloadTty(face);
            Ran devices = cli(env(face), "devices", "--json");
            assertEquals("download", devices.events().get(0).path("mode").asText(), devices.events().toString());
            Ran chip = cli(env(face), "sahara", "info", "--port", face.usbPort(), "--json");
            assertEquals(0, chip.code(), chip.err());
            assertEquals(1, chip.count("chip"));
            // no --port: the single device in download mode, found in sysfs
            Ran flash = cli(env(face), "download", samples.edl().toString(), "--json");
            assertEquals(0, flash.code(), flash.err());
            assertEquals(0, flash.last().path("exit_code").asInt());
        }
    }

    private static void awaitDownloadTty(PtyFace face) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.exists(face.downloadTty()) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(face.downloadTty()));
    }

    @Test
    @DisplayName("A modem that comes back crashed (05c6:900e) is told apart: 'sahara dump', the stage named, no "
            + "journal left (issue 13 item 11, issue 12)")
    void aCrashedModemIsNamedAndLeavesNoJournal() throws Exception {
        try (EmulatedModem m = EmulatedModem.start(Profiles.MC7455, FaultPlan.parse("crash-dump"), dir.resolve("s"))) {
            PtyFace face = m.publishPty(dir.resolve("pty"));
            Ran r = update(face, samples.mc7455(), "-d", face.qmiDevice().toString());
            assertEquals(6, r.code(), r.err());
            JsonNode end = stageEnd(r, "await-download-device");
            assertFalse(end.path("ok").asBoolean(), end.toString());
            assertTrue(end.path("message").asText().contains("crashed"), end.toString());
            assertTrue(end.path("message").asText().contains("sahara dump"), end.toString());
            try (var s = Files.list(dir.resolve("state"))) {
                assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".json")).toList(),
                        "no journal: a later run must not 'resume'");
            }
        }
    }

    @Test
    @DisplayName("README: \"--all leaves out modems the package is not for\"; when it fits none, that is exit 9 "
            + "(issue 13 item 12)")
    void allWhereThePackageFitsNoModemIsExitNine() throws Exception {
        try (EmulatedModem m = EmulatedModem.start(Profiles.EM7565, FaultPlan.NONE, dir.resolve("s"))) {
            PtyFace face = m.publishPty(dir.resolve("pty"));
            Ran r = update(face, samples.mc7455(), "--all");
            assertEquals(9, r.code(), r.err());
            assertEquals(9, r.last().path("exit_code").asInt());
            assertEquals(1, r.last().path("skipped").asInt());
        }
    }

    @Test
    @DisplayName("A modem that does not answer SWI Get Current Firmware is verified from its firmware preference, "
            + "and the result says so (issue 13 item 17)")
    void verifyFallsBackToTheFirmwarePreference() throws Exception {
        try (EmulatedModem m = EmulatedModem.start(Profiles.MC7455,
                FaultPlan.parse("qmi-error:swi-get-current-firmware:NotSupported"), dir.resolve("s"))) {
            PtyFace face = m.publishPty(dir.resolve("pty"));
            Ran r = update(face, samples.mc7455(), "-d", face.qmiDevice().toString());
            assertEquals(0, r.code(), r.err());
            JsonNode verify = stageEnd(r, "verify");
            assertEquals("02.38.00.00", verify.path("firmware").asText(), verify.toString());
            assertEquals("002.079_000", verify.path("config").asText(), verify.toString());
            assertEquals("Get Firmware Preference", verify.path("versions_from").asText(), verify.toString());
        }
    }

    @Test
    @DisplayName("Usage: \"Every command has --help\", --version names the version and commit, -v may come first, "
            + "a group without its subcommand is a usage error, JSON is the same bytes twice (issue 13 item 13)")
    void smallPromises() throws Exception {
        Ran version = cli(Map.of(), "--version");
        assertEquals(0, version.code());
        assertTrue(version.out().matches("(?s)modemflash \\S+ \\(commit \\S+\\)\\s*"), version.out());

        assertEquals(2, cli(Map.of(), "firehose").code());
        assertEquals(2, cli(Map.of(), "sahara").code());

        try (EmulatedModem m = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, dir.resolve("s"))) {
            PtyFace face = m.publishPty(dir.resolve("pty"));
            Ran first = cli(env(face), "-v", "devices", "--json");
            assertEquals(0, first.code(), first.err());
            assertEquals(0, first.last().path("exit_code").asInt(), first.last().toString());
            Ran second = cli(env(face), "devices", "--json");
            assertEquals(first.out(), second.out(), "JSON keys in a stable order");
        }

        Ran help = cli(Map.of(), "--help");
        List<String> summaries = new ArrayList<>();
        boolean inCommands = false;
        for (String l : help.out().lines().toList()) {
            if (l.equals("Commands:")) {
                inCommands = true;
            } else if (inCommands && l.isBlank()) {
                break;
            } else if (inCommands && l.matches("  \\S.*")) {
                summaries.add(l.strip());
            } else if (inCommands) {
                summaries.set(summaries.size() - 1, summaries.get(summaries.size() - 1) + " " + l.strip());
            }
        }
        assertTrue(summaries.size() >= 10, help.out());
        summaries.forEach(l -> assertFalse(l.endsWith(","), "a summary cut short: " + l));
        assertTrue(help.out().lines().noneMatch(l -> l.startsWith("(")), "a footer line wrapped:\n" + help.out());
        Ran bootModeHelp = cli(Map.of(), "boot-mode", "--help");
        String text = bootModeHelp.out() + bootModeHelp.err();
        assertFalse(text.contains("verification mismatch"), "boot-mode verifies nothing:\n" + text);
    }
}
