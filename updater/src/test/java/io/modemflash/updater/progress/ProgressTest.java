package io.modemflash.updater.progress;

import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.qdl.download.DownloadEvent;
import io.modemflash.updater.api.Output;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ProgressTest {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private long now;

    private DownloadProgress progress(boolean json, boolean terminal) {
        Output out = new Output(json, false, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        return new DownloadProgress(out, terminal, "download", () -> now);
    }

    /** 1000 updates of 1 MiB, 10 ms apart: a 1000 MiB image at ~105 MB/s. */
    private void feed(DownloadProgress p) {
        long total = 1000L << 20;
        p.on(new DownloadEvent.Stage("firehose", "configure ufs"));
        p.on(new DownloadEvent.ImageStarted("system.img", "system", total));
        for (int i = 1; i <= 1000; i++) {
            now += 10_000_000L;
            p.on(new DownloadEvent.ImageProgress("system.img", (long) i << 20, total));
        }
        p.on(new DownloadEvent.ImageDone("system.img", "system", total, Duration.ofSeconds(10)));
    }

    @Test
    void throttleShowsFirstLastAndSteps() {
        Throttle t = new Throttle(250, 0.01);
        assertTrue(t.due(0, 0, 1000));
        assertFalse(t.due(100, 5, 1000), "half a percent after 100 ns");
        assertTrue(t.due(200, 10, 1000), "one percent");
        assertTrue(t.due(450, 11, 1000), "the interval passed");
        assertFalse(t.due(460, 12, 1000));
        assertTrue(t.due(461, 1000, 1000), "the end is always shown");
    }

    @Test
    void jsonProgressIsThrottledToAboutOnePercent() throws Exception {
        feed(progress(true, false));
        List<JsonNode> events = new ArrayList<>();
        for (String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
            events.add(Output.mapper().readTree(line));
        }
        List<JsonNode> prog = events.stream().filter(e -> e.get("event").asText().equals("progress")).toList();
        // 1 % = 10 updates = 100 ms < 250 ms: percent steps decide; first and last included
        assertTrue(prog.size() >= 95 && prog.size() <= 102, "got " + prog.size());
        JsonNode last = prog.get(prog.size() - 1);
        assertEquals(100.0, last.get("percent").asDouble());
        assertEquals(1000L << 20, last.get("done").asLong());
        assertEquals("download", last.get("stage").asText());
        assertEquals("system", last.get("target").asText());
        assertEquals(104_857_600, last.get("bytes_per_second").asLong(), 2);
        assertEquals(0.0, last.get("eta_seconds").asDouble());
        JsonNode mid = prog.get(50);
        assertTrue(mid.get("eta_seconds").asDouble() > 0);
        assertEquals("step", events.get(0).get("event").asText());
        assertEquals("firehose", events.get(0).get("step").asText());
        JsonNode done = events.get(events.size() - 1);
        assertEquals("image", done.get("event").asText());
        assertEquals("done", done.get("status").asText());
        assertEquals("", stderr.toString(StandardCharsets.UTF_8), "JSON mode prints no progress text");
    }

    @Test
    void aPipeGetsNoProgressLinesOnlySteps() {
        feed(progress(false, false));
        String err = stderr.toString(StandardCharsets.UTF_8);
        assertFalse(err.contains("\r"), "no in-place redraws in a pipe");
        assertEquals(List.of("firehose: configure ufs ...", "system.img -> system  1000 MiB in 10.0 s (104.9 MB/s)"),
                List.of(err.split("\n")));
        assertEquals("", stdout.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTerminalGetsOneRedrawnLinePerImage() {
        feed(progress(false, true));
        String err = stderr.toString(StandardCharsets.UTF_8);
        String[] lines = err.split("\n");
        assertEquals(2, lines.length, "the step, then one line for the image");
        long redraws = lines[1].chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 90 && redraws <= 110, "redrawn every ~100 ms: " + redraws);
        assertTrue(lines[1].contains("\r system.img -> system  501 MiB / 1000 MiB   50 %  104.9 MB/s  ETA 0:05\033[K".substring(2)),
                "mid-way line");
        assertTrue(lines[1].endsWith("\rsystem.img -> system  1000 MiB in 10.0 s (104.9 MB/s)\033[K"), "summary");
    }

    @Test
    void units() {
        assertEquals("512 B", Units.bytes(512));
        assertEquals("4.00 GiB", Units.bytes(4L << 30));
        assertEquals("41.2 MB/s", Units.rate(41.2e6));
        assertEquals("1:01:05", Units.duration(3665));
        assertEquals("?", Units.duration(Double.NaN));
    }
}
