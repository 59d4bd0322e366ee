package io.modemflash.updater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.updater.api.Output;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * `modemflash` as a separate process (the test classpath's Main in a child JVM, as the
 * launcher runs it): its stdout lines as they come, its stderr, real signals. Test helper of
 * the process-level tests (issue 13: what a real process does when interrupted is what the
 * README promises, not what an in-process run does).
 */
final class ModemflashProcess implements AutoCloseable {
    /** The signals the README promises behaviour for, with the exit status each leaves. */
    enum Sig {
        INT(130), TERM(143), KILL(137);

        final int exit;

        Sig(int exit) {
            this.exit = exit;
        }
    }

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final StringBuilder err = new StringBuilder();
    private final Thread outReader;
    private final Thread errReader;

    private ModemflashProcess(Process process) {
        this.process = process;
        this.outReader = pump(process.getInputStream(), line -> {
            synchronized (lines) {
                lines.add(line);
                lines.notifyAll();
            }
        });
        this.errReader = pump(process.getErrorStream(), line -> {
            synchronized (err) {
                err.append(line).append('\n');
            }
        });
    }

    /**
     * Starts modemflash with args; env adds variables (MODEMFLASH_SYSFS_ROOT...); tmp is the
     * child's java.io.tmpdir, so a test sees what it leaves there.
     */
    static ModemflashProcess start(Map<String, String> env, Path tmp, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return new ModemflashProcess(pb.start());
    }

    private static Thread pump(java.io.InputStream in, java.util.function.Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    sink.accept(l);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "modemflash-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    long pid() {
        return process.pid();
    }

    /** Waits until a JSON line matching {@code wanted} was printed; false when the process ended first or time ran out. */
    boolean awaitEvent(Predicate<JsonNode> wanted, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    JsonNode n = json(lines.get(seen));
                    if (n != null && wanted.test(n)) {
                        return true;
                    }
                }
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0 || !process.isAlive() && !outReader.isAlive()) {
                    return false;
                }
                lines.wait(Math.min(left, 50));
            }
        }
    }

    void signal(Sig s) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + s.name(), Long.toString(process.pid())).start().waitFor();
    }

    /** Waits for the end (all output read) and returns the exit status. */
    int exit(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("modemflash did not end within " + timeoutSeconds + " s\n" + err());
        }
        outReader.join(5_000);
        errReader.join(5_000);
        return process.exitValue();
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    String err() {
        synchronized (err) {
            return err.toString();
        }
    }

    List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        for (String l : lines()) {
            JsonNode n = json(l);
            if (n != null) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * README ("For factory scripts"): with --json every line is a JSON object, and the last is
     * the run's overall result, a result without "device" whose exit_code is the process's.
     */
    void assertJsonContract(int exit) {
        List<String> all = lines();
        assertFalse(all.isEmpty(), "no output at all\n" + err());
        for (String l : all) {
            assertTrue(json(l) != null, "not a JSON object: " + l + "\n" + err());
        }
        JsonNode last = json(all.get(all.size() - 1));
        assertEquals("result", last.path("event").asText(), "the last line is a result: " + last + "\n" + err());
        assertFalse(last.has("device"), "the last line is the overall result, not a modem's: " + last);
        assertEquals(exit, last.path("exit_code").asInt(), "exit_code is the process's exit status: " + last);
        assertEquals(exit == 0, last.path("ok").asBoolean(), last.toString());
        assertTrue(last.path("version").asText().contains("commit"), "every result names the version: " + last);
    }

    static JsonNode json(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return Output.mapper().readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
