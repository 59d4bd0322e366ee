package io.modemflash.updater.pipeline;

import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.ExitCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Every stage keeps its own limit, also those without a wait of their own: inspect, plan, reset. */
class StageTimeoutTest {
    @TempDir
    static Path sampleDir;
    static Samples samples;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeSamples() throws Exception {
        samples = Samples.write(sampleDir);
    }

    @Test
    void aResetThatHangsFailsAtTheResetsOwnLimitNotTheDownloads() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.EDL, FaultPlan.parse("stall:reset"), dir)) {
            long t0 = System.nanoTime();
            EmulatedBench.Run r = bench.update(samples.edl(), EmulatedBench.fastOptions(dir.resolve("state"))
                    .withTimeouts(Map.of(Stage.RESET, Duration.ofSeconds(1))));
            assertEquals(ExitCode.TIMEOUT, r.result().exitCode(), r.result().message());
            assertEquals("reset", r.result().fields().get("stage"));
            assertTrue(r.result().message().startsWith("stage reset did not finish within 1 s"),
                    r.result().message());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), "not the download's 60 minutes");
            assertEquals(1, r.events().stream().filter(e -> e.path("event").asText().equals("stage-start")
                    && e.path("stage").asText().equals("reset")).findFirst().orElseThrow().path("timeout_s").asInt());
        }
    }

    @Test
    void aPlanOverItsLimitFails() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.MC7455, FaultPlan.NONE, dir)) {
            EmulatedBench.Run r = bench.update(samples.mc7455(), EmulatedBench.fastOptions(dir.resolve("state"))
                    .withTimeouts(Map.of(Stage.PLAN, Duration.ofNanos(1))));
            assertEquals(ExitCode.TIMEOUT, r.result().exitCode(), r.result().message());
            assertEquals("plan", r.result().fields().get("stage"));
            assertTrue(r.result().message().contains("over its limit"), r.result().message());
            assertEquals(io.modemflash.emulator.qmi.QmiEngine.Phase.APPLICATION, bench.modem.phase());
        }
    }

    @Test
    void anInspectionOverItsLimitIsInterruptedAndFails() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        Failure f = assertThrows(Failure.class, () -> Inspection.open(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return null;
        }, "big.zip", Duration.ofMillis(200)));
        assertEquals(ExitCode.TIMEOUT, f.exitCode());
        assertEquals("stage inspect did not finish within 200 ms (big.zip)", f.getMessage());
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the opening thread is interrupted");
    }
}
