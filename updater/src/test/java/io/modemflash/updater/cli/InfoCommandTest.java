package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failures;
import io.modemflash.updater.api.Output;
import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.qmi.QmiService;
import io.modemflash.posix.Pty;
import io.modemflash.qmi.DeviceAccessDeniedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** `modemflash info` against the emulated modem on a pty, through the real CLI code path. */
class InfoCommandTest {

    @TempDir
    Path dir;

    record Run(int exit, String stdout, String stderr) {
        JsonNode event(String name) throws Exception {
            for (String line : stdout.split("\n")) {
                JsonNode n = Output.mapper().readTree(line);
                if (name.equals(n.path("event").asText())) {
                    return n;
                }
            }
            throw new AssertionError("no '" + name + "' event in:\n" + stdout + "\nstderr:\n" + stderr);
        }
    }

    /** Runs the CLI in this JVM with stdout/stderr captured. */
    static synchronized Run cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void reportsTheModemsIdentityAndFirmwareAsJson() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            PtyFace face = modem.publishPty(dir);
            Run r = cli("info", "-d", face.qmiDevice().toString(), "--json");
            assertEquals(0, r.exit(), r.stderr());
            JsonNode info = r.event("info");
            assertEquals(Profiles.MC7455.identity().revision(), info.get("revision").asText());
            assertEquals(Profiles.MC7455.identity().imei(), info.at("/ids/imei").asText());
            assertEquals("MC7455", info.get("model").asText());
            assertEquals("online (0)", info.get("operating_mode").asText());
            assertEquals("GENERIC", info.at("/swi_current_firmware/carrier").asText());
            assertEquals("002.072_000", info.at("/swi_current_firmware/config_version").asText());
            assertEquals("02.33.03.00_GENERIC", info.at("/firmware_preference/1/build_id").asText());
            assertTrue(r.event("result").get("ok").asBoolean());
            assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS), "info released its client id");
        }
    }

    /**
     * A modem in MBIM composition: directly on the cdc_mbim port, through mbim-proxy with
     * --proxy (which then holds the port, so a direct open is refused naming it), and on a
     * port sysfs says nothing about (found MBIM by its answer to OPEN).
     */
    @Test
    void anMbimModemDirectlyThroughMbimProxyAndAsAnUnknownPort() throws Exception {
        Set<Long> proxiesBefore = mbimProxies();
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565.inMbimComposition())) {
            PtyFace face = modem.publishPty(dir);
            Run direct = cli("info", "-d", face.qmiDevice().toString(), "--json");
            assertEquals(0, direct.exit(), direct.stderr());
            assertEquals(Profiles.EM7565.identity().revision(), direct.event("info").get("revision").asText());
            assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS));

            Path bare = dir.resolve("unknown-port");
            Files.createSymbolicLink(bare, face.ptySlave());
            Run unknown = cli("info", "-d", bare.toString(), "--json");
            assertEquals(0, unknown.exit(), unknown.stderr());
            assertEquals(Profiles.EM7565.identity().imei(), unknown.event("info").at("/ids/imei").asText());

            try {
                Run proxied = cli("info", "-d", face.qmiDevice().toString(), "--proxy", "--json");
                assertEquals(0, proxied.exit(), proxied.stderr());
                assertEquals("EM7565", proxied.event("info").get("model").asText());
                Run busy = cli("info", "-d", face.qmiDevice().toString(), "--json");
                assertEquals(ExitCode.DEVICE_BUSY.code, busy.exit(), busy.stderr());
                assertTrue(busy.stderr().contains("(mbim-proxy): stop mbim-proxy or use --proxy"), busy.stderr());
            } finally {
                mbimProxies().stream().filter(p -> !proxiesBefore.contains(p))
                        .forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroy));
            }
        }
    }

    private static Set<Long> mbimProxies() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/mbim-proxy")).orElse(false))
                .map(ProcessHandle::pid).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void messagesTheModemLacksAreUnsupportedNotFailures() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL)) {
            PtyFace face = modem.publishPty(dir);
            Run r = cli("info", "-d", face.qmiDevice().toString(), "--json");
            assertEquals(0, r.exit(), r.stderr());
            JsonNode info = r.event("info");
            assertEquals("InvalidQmiCommand", info.at("/swi_current_firmware/unsupported").asText());
            assertEquals("InvalidQmiCommand", info.at("/firmware_preference/unsupported").asText());
            assertEquals(Profiles.EDL.identity().revision(), info.get("revision").asText());

            Run text = cli("info", "-d", face.qmiDevice().toString());
            assertEquals(0, text.exit());
            assertTrue(text.stdout().contains("unsupported by this modem (InvalidQmiCommand)"), text.stdout());
        }
    }

    /** A modem has a small pool of client ids: a tool that leaks one per run bricks QMI after ~16 runs. */
    @Test
    void thousandConsecutiveRunsLeaveNoClientIdAllocated() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            PtyFace face = modem.publishPty(dir);
            String dev = face.qmiDevice().toString();
            PrintStream oldOut = System.out;
            PrintStream oldErr = System.err;
            int failures = 0;
            String firstFailure = null;
            try {
                System.setOut(new PrintStream(OutputStream.nullOutputStream()));
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                for (int i = 0; i < 1000; i++) {
                    if (Main.run("info", "-d", dev) != 0) {
                        failures++;
                        if (firstFailure == null) {
                            firstFailure = "run " + i + ": " + err.toString(StandardCharsets.UTF_8);
                        }
                    }
                    err.reset();
                }
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
            assertEquals(0, failures, firstFailure);
            assertEquals(0, modem.qmi().totalAllocatedClientIds());
            assertEquals(0, cli("info", "-d", dev).exit());
        }
    }

    /** Ctrl-C in the middle of a request: the shutdown path still releases the client id. */
    @Test
    void sigintMidRequestReleasesTheClientId() throws Exception {
        // The modem leaves the first three Get IDs unanswered, so each of the three runs is caught waiting for it.
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.parse("qmi-drop:dms-get-ids:3"))) {
            PtyFace face = modem.publishPty(dir);
            for (int round = 0; round < 3; round++) {
                Process p = javaCli("info", "-d", face.qmiDevice().toString(), "--timeout", "60");
                try {
                    awaitGetIdsRequest(modem, round + 1, p);
                    assertFalse(modem.allocatedClientIds(QmiService.DMS).isEmpty(), "a client id is in use");
                    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "modemflash did not stop on SIGINT");
                    assertEquals(ExitCode.INTERRUPTED.code, p.exitValue(), stderr(p));
                } finally {
                    p.destroyForcibly();
                }
                assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS), "round " + round + ": leaked id");
            }
            // The pool is intact: a real `info` (no Sync, which would free every id) still works and leaves none.
            Run after = cli("info", "-d", face.qmiDevice().toString(), "--json");
            assertEquals(0, after.exit(), after.stderr());
            assertEquals("MC7455", after.event("info").get("model").asText());
            assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS), "info released its own id");
        }
    }

    @Test
    void aResponseThatNeverComesIsATimeout() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.parse("qmi-drop:dms-get-revision"))) {
            PtyFace face = modem.publishPty(dir);
            Run r = cli("info", "-d", face.qmiDevice().toString(), "--timeout", "1", "--json");
            assertEquals(ExitCode.TIMEOUT.code, r.exit(), r.stderr());
            assertTrue(r.stderr().lines().anyMatch(l -> l.startsWith("modemflash: ") && l.contains("Revision")),
                    r.stderr());
            assertFalse(r.stderr().contains("\tat "), "no stack trace");
            assertEquals("timeout", r.event("result").get("error").asText());
            assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS), "released after the timeout");
        }
    }

    @Test
    void pathsThatAreNotQmiPortsGetTheirOwnError() throws Exception {
        Run missing = cli("info", "-d", dir.resolve("cdc-wdm9").toString());
        assertEquals(ExitCode.DEVICE_NOT_FOUND.code, missing.exit());
        assertTrue(missing.stderr().contains("no such device"), missing.stderr());

        Path file = Files.writeString(dir.resolve("not-a-device"), "x");
        Run regular = cli("info", "-d", file.toString());
        assertEquals(ExitCode.DEVICE_NOT_FOUND.code, regular.exit());
        assertTrue(regular.stderr().contains("not a character device"), regular.stderr());

        Run usage = cli("info");
        assertEquals(ExitCode.USAGE.code, usage.exit());
    }

    /** Another process reading the port would steal the answers: say who holds it, at once. */
    @Test
    void aPortHeldByAnotherProcessIsBusyNamingTheHolder() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            PtyFace face = modem.publishPty(dir);
            Path dev = face.qmiDevice();
            // the shell opens the pty in the child, so this JVM never holds it
            Process holder = new ProcessBuilder("sh", "-c", "exec sleep 60 < '" + dev + "'").start();
            try {
                awaitHolding(holder, dev);
                long t0 = System.nanoTime();
                Run r = cli("info", "-d", dev.toString(), "--json");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(ExitCode.DEVICE_BUSY.code, r.exit(), r.stderr());
                assertTrue(r.stderr().contains("modemflash: device busy: " + dev + " is held by pid " + holder.pid()
                        + " (sleep): stop sleep or use --proxy"), r.stderr());
                assertTrue(ms < 5_000, "took " + ms + " ms");
                assertEquals("device-busy", r.event("result").get("error").asText());
            } finally {
                holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            assertEquals(0, cli("info", "-d", dev.toString()).exit(), "usable again once the holder is gone");
        }
    }

    @Test
    void aPortThatFloodsNonQmuxBytesIsNotAQmiPort() throws Exception {
        try (Pty pty = Pty.open()) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread chatty = new Thread(() -> {
                byte[] at = "AT+CSQ\r\n+CSQ: 17,99\r\nOK\r\n".repeat(100).getBytes(StandardCharsets.US_ASCII);
                try {
                    while (!stop.get()) {
                        pty.master().write(at, 0, at.length, 200);
                    }
                } catch (Exception e) {
                    // the client closed the port: done
                }
            }, "chatty tty");
            chatty.setDaemon(true);
            chatty.start();
            try {
                Run r = cli("info", "-d", pty.slavePath().toString());
                assertEquals(ExitCode.DEVICE_NOT_FOUND.code, r.exit(), r.stderr());
                assertTrue(r.stderr().contains("sends data that is not QMUX: not a QMI port"), r.stderr());
                assertTrue(r.stderr().lines().count() < 10, "a summary, not a flood:\n" + r.stderr());
                assertTrue(r.stderr().contains("first 32: 41 54 2B 43 53 51"), r.stderr());
            } finally {
                stop.set(true);
            }
        }
        Run zero = cli("info", "-d", "/dev/zero");
        assertEquals(ExitCode.DEVICE_NOT_FOUND.code, zero.exit(), zero.stderr());
        assertTrue(zero.stderr().contains("/dev/zero sends data that is not QMUX: not a QMI port"), zero.stderr());
        assertTrue(zero.stderr().length() < 4096, "no flood: " + zero.stderr().length() + " chars");
    }

    @Test
    void aPortThatEndsBeforeAnsweringIsNotAQmiPort() {
        Run r = cli("info", "-d", "/dev/null");
        assertEquals(ExitCode.DEVICE_NOT_FOUND.code, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("/dev/null ended (EOF) before sending any QMUX frame: not a QMI port"),
                r.stderr());
    }

    @Test
    void aResponseOnTheWrongServiceIsAProtocolFailure() throws Exception {
        Run r = infoWithFault("qmi-wrong-service:dms-get-revision");
        assertEquals(ExitCode.PROTOCOL.code, r.exit(), r.stderr());
        assertTrue(r.stderr().matches("(?s).*modemflash: response to DMS Get Revision \\(tid \\d+\\) came from service"
                + " WDS.*"), r.stderr());
    }

    @Test
    void aTlvOverflowingItsMessageIsAProtocolFailure() throws Exception {
        Run r = infoWithFault("qmi-overflow:dms-get-revision");
        assertEquals(ExitCode.PROTOCOL.code, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("modemflash: malformed response to DMS Get Revision: TLV 0x01 claims"),
                r.stderr());
    }

    /** Half a frame never completes: the request times out by name, and the link survives for the release. */
    @Test
    void aTruncatedResponseIsATimeoutNamingTheRequest() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.parse("qmi-truncate:dms-get-revision"))) {
            PtyFace face = modem.publishPty(dir);
            Run r = cli("info", "-d", face.qmiDevice().toString(), "--timeout", "1");
            assertEquals(ExitCode.TIMEOUT.code, r.exit(), r.stderr());
            assertTrue(r.stderr().contains("modemflash: no answer to DMS Get Revision from"), r.stderr());
            assertTrue(r.stderr().contains("dropped a QMUX frame cut short"), r.stderr());
            assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS), "the release after it got through");
        }
    }

    @Test
    void verboseTracesEveryFrameSentAndReceived() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            PtyFace face = modem.publishPty(dir);
            Run r = cli("info", "-d", face.qmiDevice().toString(), "-v");
            assertEquals(0, r.exit(), r.stderr());
            List<String> sent = r.stderr().lines().filter(l -> l.startsWith("> 01 ")).toList();
            List<String> received = r.stderr().lines().filter(l -> l.startsWith("< 01 ")).toList();
            // Get Version Info, Allocate, 7 DMS queries, Release
            assertTrue(sent.size() >= 10, r.stderr());
            assertEquals(sent.size(), received.size(), "one answer per request:\n" + r.stderr());
            assertTrue(received.stream().allMatch(l -> l.startsWith("< 01 ") && l.substring(11, 13).equals("80")),
                    "modem-to-host QMUX flag 80:\n" + r.stderr());
            assertTrue(sent.get(0).matches("> 01 0B 00 00 00 00 00 [0-9A-F]{2} 21 00 00 00"),
                    "first: CTL Get Version Info, got " + sent.get(0));
        }
    }

    @Test
    void permissionDeniedIsAnUnusableDeviceNotAnInternalError() {
        // Tests run as root, which ignores chmod 000: check the mapping the CLI applies.
        DeviceAccessDeniedException e = new DeviceAccessDeniedException("permission denied opening /dev/cdc-wdm0: run as"
                + " root, or add your user to the group that owns it", null);
        assertEquals(ExitCode.DEVICE_NOT_FOUND, Failures.classify(e));
        assertEquals(ExitCode.DEVICE_NOT_FOUND, Failures.classify(new RuntimeException("wrapped", e)));
    }

    private Run infoWithFault(String fault) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.parse(fault))) {
            PtyFace face = modem.publishPty(dir);
            Run r = cli("info", "-d", face.qmiDevice().toString(), "--timeout", "2");
            assertFalse(r.stderr().contains("\tat "), "no stack trace");
            assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS), "released after " + fault);
            return r;
        }
    }

    /** Waits until the child has the device open (its fd 0 points at the pty). */
    private static void awaitHolding(Process p, Path dev) throws Exception {
        Path real = dev.toRealPath();
        Path fd0 = Path.of("/proc", Long.toString(p.pid()), "fd", "0");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                String comm = Files.readString(Path.of("/proc", Long.toString(p.pid()), "comm")).strip();
                if (Files.readSymbolicLink(fd0).equals(real) && comm.equals("sleep")) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not started yet
            }
            if (!p.isAlive()) {
                fail("holder exited early: " + stderr(p));
            }
            Thread.sleep(10);
        }
        fail("the holder never opened " + dev);
    }

    private static void awaitGetIdsRequest(EmulatedModem modem, int count, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            long seen = modem.qmi().history().stream().filter(e -> e.name().contains("Get IDs")).count();
            if (seen >= count) {
                return;
            }
            if (!p.isAlive()) {
                fail("modemflash exited early (" + p.exitValue() + "): " + stderr(p));
            }
            Thread.sleep(20);
        }
        fail("modemflash never sent DMS Get IDs: " + modem.qmi().history());
    }

    private static String stderr(Process p) {
        try {
            return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    /** The CLI in a child JVM, on this test's class path (so signals reach a real process). */
    private static Process javaCli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
