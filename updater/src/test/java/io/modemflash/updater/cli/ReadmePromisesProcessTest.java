package io.modemflash.updater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.updater.cli.ModemflashProcess.Sig;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The README's promises to technicians and factory scripts (and issue 13's items 1, 3, 4,
 * 5, 9, 15 and 18), each checked on the `modemflash` process against emulated modems on the
 * pty face. Each test's display name quotes the sentence it holds the tool to.
 */
@Execution(ExecutionMode.CONCURRENT)
class ReadmePromisesProcessTest {
    @TempDir
    static Path sampleDir;
    static Samples samples;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeSamples() throws Exception {
        samples = Samples.write(sampleDir);
    }

    private Map<String, String> env(PtyFace face) {
        return Map.of(SystemRoots.SYSFS_ENV, face.dir().toString(), SystemRoots.DEV_ENV, face.dir().toString());
    }

    private List<String> update(Path pkg, String... more) {
        List<String> a = new ArrayList<>(List.of("update", pkg.toString(), "--json", "--state-dir",
                dir.resolve("state").toString(), "--poll-ms", "20", "--modem-retry-ms", "100"));
        a.addAll(List.of(more));
        return a;
    }

    private ModemflashProcess run(Map<String, String> env, List<String> args) throws Exception {
        return ModemflashProcess.start(env, Files.createDirectories(dir.resolve("tmp")), args);
    }

    private static List<JsonNode> deviceResults(ModemflashProcess p) {
        return p.events().stream().filter(e -> e.path("event").asText().equals("result") && e.has("device")).toList();
    }

    @Test
    @DisplayName("README: \"one failing modem does not stop the others ... the last line is the run's overall result."
            + " The process exits with the first failure's code\" (issue 13 items 1 and 5)")
    void oneFailingModemAndTheOverallResult() throws Exception {
        Path tree = dir.resolve("pty");
        try (EmulatedModem a = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, dir.resolve("s1"));
             EmulatedModem b = EmulatedModem.start(Profiles.MC7455, FaultPlan.parse("reboot-old"), dir.resolve("s2"));
             EmulatedModem c = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, dir.resolve("s3"))) {
            PtyFace fa = a.publishPty(tree);
            PtyFace fb = b.publishPty(tree);
            PtyFace fc = c.publishPty(tree);
            try (ModemflashProcess p = run(env(fa), update(samples.mc7455(), "-d", fa.qmiDevice().toString(),
                    "-d", fb.qmiDevice().toString(), "-d", fc.qmiDevice().toString()))) {
                int exit = p.exit(120);
                assertEquals(8, exit, p.err());
                p.assertJsonContract(8);
                List<JsonNode> results = deviceResults(p);
                assertEquals(List.of(fa.usbPort(), fb.usbPort(), fc.usbPort()),
                        results.stream().map(r -> r.path("device").asText()).toList());
                assertEquals(List.of(true, false, true), results.stream().map(r -> r.path("ok").asBoolean()).toList());
                assertEquals("verify", results.get(1).path("stage").asText());
                JsonNode overall = p.events().get(p.events().size() - 1);
                assertEquals(3, overall.path("devices").asInt());
                assertEquals(1, overall.path("failed").asInt());
                // README: progress "(about every 1 %: image, done, total, percent, bytes_per_second, eta_seconds)"
                JsonNode progress = p.events().stream().filter(e -> e.path("event").asText().equals("progress"))
                        .findFirst().orElseThrow();
                for (String k : List.of("device", "stage", "image", "done", "total", "percent", "bytes_per_second",
                        "eta_seconds")) {
                    assertTrue(progress.has(k), k + " in " + progress);
                }
            }
        }
    }

    @Test
    @DisplayName("README: \"modemflash update PACKAGE -d DEV1 -d DEV2 ...: one failing modem does not stop the "
            + "others\" also when a name leads nowhere (issue 13 item 3)")
    void aModemThatIsNotThereFailsAlone() throws Exception {
        try (EmulatedModem a = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, dir.resolve("s1"))) {
            PtyFace fa = a.publishPty(dir.resolve("pty"));
            String missing = fa.dir().resolve("dev/cdc-wdm9").toString();
            try (ModemflashProcess p = run(env(fa), update(samples.mc7455(), "-d", missing, "-d",
                    fa.qmiDevice().toString(), "-d", "/dev/null"))) {
                int exit = p.exit(120);
                assertEquals(3, exit, p.err());
                p.assertJsonContract(3);
                List<JsonNode> results = deviceResults(p);
                assertEquals(List.of(missing, fa.usbPort(), "/dev/null"),
                        results.stream().map(r -> r.path("device").asText()).toList());
                assertEquals(List.of(false, true, false), results.stream().map(r -> r.path("ok").asBoolean()).toList());
                assertTrue(results.get(1).path("message").asText().startsWith("updated to"), results.toString());
            }
        }
    }

    @Test
    @DisplayName("README: \"--json prints JSON Lines on stdout (one object per line, always ending with "
            + "{\\\"event\\\":\\\"result\\\",\\\"ok\\\":...,\\\"exit_code\\\":N})\" on usage errors too (issue 13 item 4)")
    void usageErrorsEndWithAResult() throws Exception {
        for (List<String> args : List.of(List.of("update", "--bogus", "--json"),
                List.of("update", samples.mc7455().toString(), "--timeout", "download=abc", "--json"),
                List.of("update", "--json"))) {
            try (ModemflashProcess p = run(Map.of(), args)) {
                int exit = p.exit(60);
                assertEquals(2, exit, args + "\n" + p.err());
                p.assertJsonContract(2);
            }
        }
    }

    @Test
    @DisplayName("README: \"A port 'busy' (exit 4) is held by another program; the message names it\": one "
            + "process per modem, whatever it is called, download mode included (issue 13 item 15)")
    void oneProcessPerModem() throws Exception {
        try (EmulatedModem m = EmulatedModem.start(Profiles.EM7565, FaultPlan.NONE, dir.resolve("s"))) {
            // the first run stays in download mode until the refusals are in: a 9x50's Firehose takes 8 KiB
            // writes, each well within the host's write timeout even at this rate
            m.boot().linkRate(2_000);
            PtyFace face = m.publishPty(dir.resolve("pty"));
            try (ModemflashProcess first = run(env(face), update(samples.em7565(), "-d",
                    face.qmiDevice().toString()))) {
                assertTrue(first.awaitEvent(e -> e.path("event").asText().equals("image"), 300_000), first.err());
                // the modem is in download mode now: its cdc-wdm is gone, its port and boot tty remain
                List<List<String>> seconds = List.of(List.of("update", samples.em7565().toString(), "-d",
                                face.usbPort(), "--json", "--state-dir", dir.resolve("other-state").toString()),
                        List.of("download", samples.em7565().toString(), "--port", face.usbPort(), "--json"),
                        List.of("download", samples.em7565().toString(), "--tty", face.downloadTty().toString(),
                                "--json"));
                List<ModemflashProcess> refused = new ArrayList<>();
                for (List<String> second : seconds) {
                    refused.add(run(env(face), second));
                }
                for (int i = 0; i < seconds.size(); i++) {
                    try (ModemflashProcess p = refused.get(i)) {
                        int exit = p.exit(120);
                        assertEquals(4, exit, seconds.get(i) + "\n" + p.err());
                        p.assertJsonContract(4);
                        assertTrue(p.err().contains("pid " + first.pid()), "names the holder: " + p.err());
                    }
                }
                assertTrue(first.lines().stream().noneMatch(l -> l.contains("\"event\":\"result\"")),
                        "the refusals came while the first run was still at work");
                m.boot().linkRate(0); // and now it may finish
                assertEquals(0, first.exit(180), first.err());
                first.assertJsonContract(0);
            }
            InterruptedUpdateProcessTest.assertFlashHolds("em7565", samples.em7565(), dir.resolve("s"));
        }
    }

    @Test
    @DisplayName("README: \"run the same update command again and it continues\" after the modem itself died at "
            + "'image done' and came back (issue 13 item 18)")
    void theModemDiesAfterTheImageAndComesBack() throws Exception {
        Path tree = dir.resolve("pty");
        Path storage = dir.resolve("storage");
        List<String> emulate = List.of("emulate", "--profile", "mc7455", "--pty", tree.toString(), "--storage",
                storage.toString(), "--json", "--link-rate", "300000");
        Map<String, String> env = Map.of(SystemRoots.SYSFS_ENV, tree.toString(), SystemRoots.DEV_ENV, tree.toString());
        ModemflashProcess modem = run(Map.of(), emulate);
        try {
            assertTrue(modem.awaitEvent(e -> e.path("event").asText().equals("ready"), 300_000), modem.err());
            List<String> args = update(samples.mc7455(), "-d", tree.resolve("dev/cdc-wdm0").toString(), "--timeout",
                    "await-modem=20");
            try (ModemflashProcess first = run(env, args)) {
                assertTrue(first.awaitEvent(e -> e.path("event").asText().equals("image")
                        && e.path("what").asText().equals("done"), 300_000), first.err());
                modem.signal(Sig.KILL);
                modem.exit(30);
                modem = run(Map.of(), emulate); // powered again: the old firmware, the flash as it was
                assertTrue(modem.awaitEvent(e -> e.path("event").asText().equals("ready"), 300_000), modem.err());
                int exit = first.exit(120);
                assertNotEquals(0, exit, "the modem came back with its old firmware: " + first.err());
                first.assertJsonContract(exit);
            }
            try (ModemflashProcess again = run(env, args)) {
                assertEquals(0, again.exit(120), again.err());
                again.assertJsonContract(0);
            }
            InterruptedUpdateProcessTest.assertFlashHolds("mc7455", samples.mc7455(), storage);
        } finally {
            modem.signal(Sig.TERM);
            modem.exit(30);
        }
    }

    @Test
    @DisplayName("README: \"A modem in download mode (1199:9090 ...) is picked up by the same update command\" even "
            + "when something ate its Sahara HELLO (issue 13 item 18, eat-hello on em7565)")
    void aSierraFirehoseModemWhoseHelloWasEaten() throws Exception {
        try (EmulatedModem m = EmulatedModem.start(Profiles.EM7565, FaultPlan.parse("eat-hello"), dir.resolve("s"))) {
            PtyFace face = m.publishPty(dir.resolve("pty"));
            try (ModemflashProcess p = run(env(face), update(samples.em7565(), "-d", face.qmiDevice().toString()))) {
                assertEquals(0, p.exit(120), p.err());
                p.assertJsonContract(0);
            }
            InterruptedUpdateProcessTest.assertFlashHolds("em7565", samples.em7565(), dir.resolve("s"));
        }
    }

    @Test
    @DisplayName("README: \"Progress (bytes, rate, ETA) is drawn on a terminal (one line per modem when there are "
            + "several)\", and a summary table ends the run (issue 13 item 10)")
    void severalModemsOnATerminal() throws Exception {
        Path tree = dir.resolve("pty");
        try (EmulatedModem a = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, dir.resolve("s1"));
             EmulatedModem b = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, dir.resolve("s2"));
             io.modemflash.posix.Pty terminal = io.modemflash.posix.Pty.open()) {
            a.boot().linkRate(200_000);
            b.boot().linkRate(200_000);
            PtyFace fa = a.publishPty(tree);
            PtyFace fb = b.publishPty(tree);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "update",
                    samples.mc7455().toString(), "-d", fa.qmiDevice().toString(), "-d", fb.qmiDevice().toString(),
                    "--state-dir", dir.resolve("state").toString(), "--poll-ms", "20", "--modem-retry-ms", "100"));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env(fa));
            pb.environment().put("TERM", "xterm");
            java.io.File tty = terminal.slavePath().toFile();
            pb.redirectInput(ProcessBuilder.Redirect.from(tty)).redirectOutput(ProcessBuilder.Redirect.appendTo(tty))
                    .redirectError(ProcessBuilder.Redirect.appendTo(tty));
            Process p = pb.start();
            java.io.ByteArrayOutputStream screen = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            long end = System.nanoTime() + 180_000_000_000L;
            while (System.nanoTime() < end) {
                int n;
                try {
                    n = terminal.master().read(buf, 0, buf.length, 200);
                } catch (java.io.IOException e) {
                    break; // EIO: the child closed the terminal
                }
                if (n > 0) {
                    screen.write(buf, 0, n);
                } else if (!p.isAlive()) {
                    break;
                }
            }
            assertEquals(0, p.waitFor(), screen.toString());
            String text = screen.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains("\u001b[2A"), "two lines redrawn in place:\n" + text);
            for (String port : List.of(fa.usbPort(), fb.usbPort())) {
                assertTrue(text.contains(port + " "), port + " has its line:\n" + text);
            }
            assertTrue(text.contains(" %"), "percent on the modems' lines:\n" + text);
            assertTrue(text.lines().anyMatch(l -> l.matches("\\s*modem\\s+result\\s+firmware\\s+bytes sent\\s+message.*")),
                    "the summary table:\n" + text);
        }
    }

    @Test
    @DisplayName("Usage: \"./modemflash demo\" and a symlink to the launcher both run the CLI (issue 13 item 9)")
    void theLauncherWorksThroughASymlink() throws Exception {
        // a tree with the real launcher and a built jar that only runs LauncherProbe (no Maven needed)
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Path launcher = tree.resolve("modemflash");
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        Files.copy(repo.resolve("modemflash"), launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        // it starts the JVM through the installed launcher's script (per-command archives, JVM options)
        Path installed = Files.createDirectories(tree.resolve("updater/src/dist/bin")).resolve("modemflash");
        Files.copy(repo.resolve("updater/src/dist/bin/modemflash"), installed);
        Path jar = Files.createDirectories(tree.resolve("updater/target")).resolve("modemflash.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        mf.getMainAttributes().put(Attributes.Name.CLASS_PATH,
                Path.of(LauncherProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri()
                        .toString());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            // the manifest is all it holds
        }
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path link = Files.createSymbolicLink(bin.resolve("modemflash"), launcher);
        for (Path how : List.of(launcher, link)) {
            Process p = new ProcessBuilder(how.toString(), "hello").directory(dir.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), how + ": " + out);
            assertEquals("launcher probe: hello", out.strip(), how.toString());
        }
    }
}
