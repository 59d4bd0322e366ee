package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Four emulated modems on one shared pty DIR (what four `emulate --pty DIR` publish) updated
 * by one `modemflash update` run, in parallel: each pipeline follows its own port through
 * download mode and back, and each modem ends up holding the package byte for byte.
 */
class ParallelUpdateOnPtyFaceTest {
    @TempDir
    static Path sampleDir;
    static Path mc7455;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeSamples() throws Exception {
        mc7455 = SamplePackages.mc7455(sampleDir);
    }

    /** Modems on dir/pty, each with its storage in dir/storageN, closed together. */
    private final class Bench implements AutoCloseable {
        final List<EmulatedModem> modems = new ArrayList<>();
        final List<PtyFace> faces = new ArrayList<>();
        final Path pty = dir.resolve("pty");

        Bench add(Profile profile) throws IOException {
            EmulatedModem m = EmulatedModem.start(profile, FaultPlan.NONE, storage(modems.size()));
            modems.add(m);
            faces.add(m.publishPty(pty));
            return this;
        }

        Path storage(int i) {
            return dir.resolve("storage" + i);
        }

        CliRun update(String... targets) throws Exception {
            List<String> args = new ArrayList<>(List.of("update", mc7455.toString()));
            args.addAll(List.of(targets));
            args.addAll(List.of("--json", "--sysfs-root", pty.toString(), "--dev-root", pty.toString(),
                    "--state-dir", dir.resolve("state").toString(), "--poll-ms", "20", "--modem-retry-ms", "100"));
            return CliRun.of(args.toArray(String[]::new));
        }

        @Override
        public void close() throws IOException {
            for (EmulatedModem m : modems) {
                m.close();
            }
        }
    }

    private static Map<String, JsonNode> resultsByPort(CliRun r) {
        Map<String, JsonNode> byPort = new TreeMap<>();
        r.events().stream().filter(e -> e.path("event").asText().equals("result") && e.has("device"))
                .forEach(e -> assertNull(byPort.put(e.path("device").asText(), e), "two results for " + e));
        return byPort;
    }

    private void assertUpdated(Bench b, CliRun r, int modems) throws Exception {
        assertEquals(0, r.code(), r.err() + r.events());
        Map<String, JsonNode> results = resultsByPort(r);
        for (int i = 0; i < modems; i++) {
            String port = b.faces.get(i).usbPort();
            JsonNode res = results.get(port);
            assertNotNull(res, "no result for " + port + ": " + results.keySet());
            assertTrue(res.path("ok").asBoolean(), res.toString());
            assertEquals(SamplePackages.MC7455_FIRMWARE, res.path("running").asText(), res.toString());
            assertArrayEquals(Files.readAllBytes(mc7455), Files.readAllBytes(b.storage(i).resolve("cwe/001-SPKG.cwe")),
                    "storage of the modem at " + port);
        }
        // every pipeline reported its own download, on its own port
        for (int i = 0; i < modems; i++) {
            String port = b.faces.get(i).usbPort();
            assertEquals(1, r.events().stream().filter(e -> e.path("event").asText().equals("stage-end")
                    && e.path("stage").asText().equals("download") && e.path("device").asText().equals(port)
                    && e.path("ok").asBoolean()).count(), port);
        }
    }

    private static List<Path> listing(Path d) throws IOException {
        try (var s = Files.walk(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void fourModemsNamedWithDashD() throws Exception {
        try (Bench b = new Bench()) {
            for (int i = 0; i < 4; i++) {
                b.add(Profiles.MC7455);
            }
            List<String> targets = new ArrayList<>();
            for (PtyFace f : b.faces) {
                targets.addAll(List.of("-d", f.qmiDevice().toString()));
            }
            CliRun r = b.update(targets.toArray(String[]::new));
            assertUpdated(b, r, 4);
            assertEquals(List.of("2-1", "2-2", "2-3", "2-4"), List.copyOf(resultsByPort(r).keySet()));
        }
    }

    @Test
    void allUpdatesTheFourAndSkipsAModemThePackageIsNotFor() throws Exception {
        try (Bench b = new Bench()) {
            for (int i = 0; i < 4; i++) {
                b.add(Profiles.MC7455);
            }
            b.add(Profiles.EM7565); // 2-5: a 9X50, the package is for 9X30
            List<Path> before = listing(b.storage(4));
            CliRun r = b.update("--all");
            assertUpdated(b, r, 4);
            JsonNode skipped = resultsByPort(r).get("2-5");
            assertTrue(skipped.path("ok").asBoolean(), skipped.toString());
            assertEquals(0, skipped.path("exit_code").asInt());
            assertTrue(skipped.path("skipped").asText().contains("the package is for 9X30 modems"), skipped.toString());
            assertTrue(r.events().stream().anyMatch(e -> e.path("event").asText().equals("warning")
                    && e.path("device").asText().equals("2-5")
                    && e.path("message").asText().contains("skipped")), r.events().toString());
            // probed, then every stage from the plan on says it was skipped
            List<JsonNode> ends = r.events().stream().filter(e -> e.path("event").asText().equals("stage-end")
                    && e.path("device").asText().equals("2-5")).toList();
            assertEquals(io.modemflash.updater.pipeline.Stage.values().length - 1, ends.size(), ends.toString()); // inspect is the run's
            for (JsonNode e : ends.subList(1, ends.size())) {
                assertTrue(e.path("ok").asBoolean() && e.has("skipped"), e.toString());
            }
            assertEquals(before, listing(b.storage(4)), "nothing was written to the EM7565");
            assertEquals(io.modemflash.emulator.qmi.QmiEngine.Phase.APPLICATION, b.modems.get(4).phase());
        }
    }

    @Test
    void aModemThePackageIsNotForStillFailsWhenNamed() throws Exception {
        try (Bench b = new Bench()) {
            b.add(Profiles.EM7565);
            CliRun r = b.update("-d", b.faces.get(0).qmiDevice().toString(), "--dry-run");
            assertEquals(ExitCode.WRONG_DEVICE.code, r.code(), r.err());
            assertFalse(r.last().path("ok").asBoolean());
        }
    }
}
