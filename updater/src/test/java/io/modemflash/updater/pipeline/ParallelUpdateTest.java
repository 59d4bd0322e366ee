package io.modemflash.updater.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Output;
import io.modemflash.updater.discovery.DeviceScanner;
import io.modemflash.updater.discovery.FakeSysfs;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/** Three modems on one bus flashed at once: each follows its own port; one failure leaves the others alone. */
class ParallelUpdateTest {
    @TempDir
    Path dir;

    @Test
    void threeModemsAtOnceOneReturningWithOldFirmware() throws Exception {
        Path pkgPath = SamplePackages.mc7455(dir.resolve("samples"));
        FakeSysfs fs = new FakeSysfs(dir.resolve("bench"));
        List<EmulatedBench> benches = new ArrayList<>();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        Output out = new Output(true, false, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try (FirmwarePackage pkg = FirmwarePackage.open(pkgPath, Limits.defaults())) {
            for (int i = 0; i < 3; i++) {
                benches.add(new EmulatedBench(Profiles.MC7455, i == 1 ? FaultPlan.parse(List.of("reboot-old"))
                        : FaultPlan.NONE, dir.resolve("m" + i), fs, "2-" + (i + 1), i, EmulatedBench.Bus.NORMAL));
            }
            DeviceScanner scanner = new DeviceScanner(fs.roots());
            Map<Stage, java.time.Duration> t = new java.util.EnumMap<>(Stage.class);
            for (Stage s : Stage.values()) {
                t.put(s, java.time.Duration.ofSeconds(20));
            }
            UpdateOptions opt = EmulatedBench.fastOptions(dir.resolve("state")).withTimeouts(t);
            List<CompletableFuture<UpdatePipeline.Result>> runs = new ArrayList<>();
            for (EmulatedBench b : benches) {
                var device = b.scanner().find("2-" + (benches.indexOf(b) + 1)).orElseThrow();
                runs.add(CompletableFuture.supplyAsync(() -> new UpdatePipeline(pkg, UpdatePipeline.fingerprint(pkg),
                        opt, scanner, out, false, b.links()).run(device)));
            }
            List<UpdatePipeline.Result> results = new ArrayList<>();
            for (var r : runs) {
                results.add(r.get());
            }
            assertTrue(results.get(0).ok(), results.toString());
            assertEquals(ExitCode.VERIFY_MISMATCH, results.get(1).exitCode(), results.get(1).message());
            assertTrue(results.get(2).ok(), results.get(2).message());
            for (int i : new int[] {0, 2}) {
                assertArrayEquals(Files.readAllBytes(pkgPath),
                        Files.readAllBytes(dir.resolve("m" + i + "/storage" + i + "/cwe/001-SPKG.cwe")));
            }
            // every event names its device, and each device saw its own complete stage sequence
            Map<String, Integer> stageEnds = new java.util.HashMap<>();
            for (String line : o.toString(StandardCharsets.UTF_8).split("\n")) {
                JsonNode e = Output.mapper().readTree(line);
                assertTrue(e.has("device"), line);
                if (e.path("event").asText().equals("stage-end") && e.path("ok").asBoolean()) {
                    stageEnds.merge(e.path("device").asText(), 1, Integer::sum);
                }
            }
            assertEquals(8, stageEnds.get("2-1"));
            assertEquals(7, stageEnds.get("2-2"), "all but verify");
            assertEquals(8, stageEnds.get("2-3"));
        } finally {
            for (EmulatedBench b : benches) {
                b.close();
            }
        }
    }
}
