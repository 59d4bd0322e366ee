package io.modemflash.updater.modemmanager;

import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.updater.cli.CliRun;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.cli.Main;
import io.modemflash.updater.pipeline.Samples;
import io.modemflash.vectors.samples.SamplePackages;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.Peer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * ModemManager coexistence against a real dbus-daemon on a private, system-bus-like socket
 * with a fake ModemManager on it ({@link FakeModemManager}): update inhibits the modem for the
 * whole update and gives it back; the inhibition ends with the connection when modemflash is
 * SIGKILLed; a modem inhibited by someone else is used; --no-inhibit refuses; and no command
 * ever D-Bus-activates a stopped ModemManager.
 */
class ModemManagerInhibitTest {
    @TempDir
    static Path sampleDir;
    static Samples samples;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeSamples() throws Exception {
        samples = Samples.write(sampleDir);
    }

    private String[] update(PtyFace face, String bus, String... more) {
        List<String> a = new ArrayList<>(List.of("update", samples.mc7455().toString(), "-d",
                face.qmiDevice().toString(), "--json", "--sysfs-root", face.dir().toString(), "--dev-root",
                face.dir().toString(), "--state-dir", dir.resolve("state").toString(), "--poll-ms", "20",
                "--modem-retry-ms", "100", "--modemmanager", "bus=" + bus));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static String uid(PtyFace face) throws Exception {
        return face.usbDeviceDir().toRealPath().toString();
    }

    @Test
    void updateInhibitsTheModemForTheWholeUpdateAndGivesItBack() throws Exception {
        try (PrivateSystemBus bus = PrivateSystemBus.start(dir.resolve("bus"), false);
             EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, dir.resolve("storage"))) {
            PtyFace face = modem.publishPty(dir.resolve("pty"));
            String uid = uid(face);
            try (FakeModemManager mm = FakeModemManager.start(bus.address, uid, List.of("cdc-wdm0", "ttyUSB2"))) {
                // what ModemManager shows while the modem is in download mode
                AtomicReference<String> inhibitorInDownloadMode = new AtomicReference<>("never seen");
                Thread watch = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        if (modem.phase() == QmiEngine.Phase.DOWNLOAD) {
                            inhibitorInDownloadMode.set(String.valueOf(mm.inhibitor()));
                            return;
                        }
                        Thread.onSpinWait();
                    }
                });
                watch.setDaemon(true);
                watch.start();
                CliRun r = CliRun.of(update(face, bus.address));
                watch.interrupt();
                assertEquals(0, r.code(), r.err());
                JsonNode mmEvent = r.events().stream().filter(e -> e.path("event").asText().equals("modemmanager"))
                        .findFirst().orElseThrow();
                assertEquals("inhibited", mmEvent.path("outcome").asText(), mmEvent.toString());
                assertEquals(uid, mmEvent.path("uid").asText());
                assertEquals(2, mm.calls.size(), mm.calls.toString());
                String by = mm.calls.get(0).substring(mm.calls.get(0).lastIndexOf(' ') + 1);
                assertEquals(List.of("inhibit " + uid + " by " + by, "uninhibit " + uid + " by " + by), mm.calls);
                assertEquals(by, inhibitorInDownloadMode.get(), "inhibited while the modem was in download mode");
                assertNull(mm.inhibitor(), "given back");
                JsonNode result = r.deviceResult();
                assertTrue(result.path("ok").asBoolean(), result.toString());
                assertEquals(SamplePackages.MC7455_FIRMWARE, result.path("running").asText(), result.toString());
                assertEquals(0, r.last().path("exit_code").asInt(), r.last().toString());
            }
        }
    }

    @Test
    void aModemInhibitedBySomeoneElseIsUsedAndNoInhibitRefuses() throws Exception {
        try (PrivateSystemBus bus = PrivateSystemBus.start(dir.resolve("bus"), false);
             EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, dir.resolve("storage"))) {
            PtyFace face = modem.publishPty(dir.resolve("pty"));
            try (FakeModemManager mm = FakeModemManager.start(bus.address, uid(face), List.of("cdc-wdm0"))) {
                CliRun refused = CliRun.of(update(face, bus.address, "--no-inhibit"));
                assertEquals(ExitCode.DEVICE_BUSY.code, refused.code(), refused.err());
                assertTrue(refused.err().contains("ModemManager is running") && refused.err().contains("--no-inhibit"),
                        refused.err());
                assertEquals(QmiEngine.Phase.APPLICATION, modem.phase());
                assertEquals(List.of(), mm.calls);

                mm.inhibitedElsewhere(":1.999");
                CliRun r = CliRun.of(update(face, bus.address));
                assertEquals(0, r.code(), r.err());
                JsonNode mmEvent = r.events().stream().filter(e -> e.path("event").asText().equals("modemmanager"))
                        .findFirst().orElseThrow();
                assertEquals("already-inhibited", mmEvent.path("outcome").asText(), mmEvent.toString());
                assertTrue(r.err().contains("already inhibited in ModemManager by another program"), r.err());
                assertEquals(":1.999", mm.inhibitor(), "someone else's inhibition is left alone");
                assertEquals(List.of(), mm.calls);
            }
        }
    }

    @Test
    void sigkillMidUpdateEndsTheInhibition() throws Exception {
        try (PrivateSystemBus bus = PrivateSystemBus.start(dir.resolve("bus"), false);
             EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.parse("stall:download"),
                     dir.resolve("storage"))) {
            PtyFace face = modem.publishPty(dir.resolve("pty"));
            String uid = uid(face);
            try (FakeModemManager mm = FakeModemManager.start(bus.address, uid, List.of("cdc-wdm0"))) {
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
                cmd.addAll(List.of(update(face, bus.address)));
                Path err = dir.resolve("stderr");
                Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(err.toFile()).start();
                try {
                    await(() -> modem.phase() == QmiEngine.Phase.DOWNLOAD && mm.inhibitor() != null, p, err,
                            "the modem in download mode and inhibited");
                    Thread.sleep(500); // in the (stalled) download
                    assertTrue(p.isAlive(), Files.readString(err));
                    String by = mm.inhibitor();
                    p.destroyForcibly(); // SIGKILL: no shutdown hook, nothing said to ModemManager
                    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
                    assertEquals(137, p.exitValue());
                    await(() -> mm.inhibitor() == null, null, err, "ModemManager to see the inhibitor gone");
                    assertEquals(List.of("inhibit " + uid + " by " + by, "lost " + uid + " by " + by), mm.calls);
                } finally {
                    p.destroyForcibly();
                }
            }
        }
    }

    @Test
    void noCommandActivatesAStoppedModemManager() throws Exception {
        try (PrivateSystemBus bus = PrivateSystemBus.start(dir.resolve("bus"), true);
             EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, dir.resolve("storage"))) {
            PtyFace face = modem.publishPty(dir.resolve("pty"));
            String root = face.dir().toString();
            List<String[]> commands = List.of(
                    new String[] {"devices", "--json"},
                    new String[] {"info", "-d", face.qmiDevice().toString()},
                    new String[] {"update", samples.mc7455().toString(), "--dry-run"},
                    update(face, bus.address),
                    new String[] {"boot-mode", "-d", face.usbPort(), "--wait", "0"},
                    new String[] {"download", samples.mc7455().toString(), "--port", face.usbPort()});
            for (String[] c : commands) {
                List<String> a = new ArrayList<>(List.of(c));
                if (!a.contains("--modemmanager") && !a.get(0).equals("info") && !a.get(0).equals("devices")) {
                    a.addAll(List.of("--modemmanager", "bus=" + bus.address));
                }
                if (!a.contains("--sysfs-root") && !a.get(0).equals("info")) {
                    a.addAll(List.of("--sysfs-root", root, "--dev-root", root));
                }
                CliRun r = CliRun.of(a.toArray(String[]::new));
                assertFalse(bus.modemManagerWasActivated(), String.join(" ", a) + " activated ModemManager");
                assertNotEquals(ExitCode.DEVICE_BUSY.code, r.code(), String.join(" ", a) + ": " + r.err());
            }
            // the control: a call addressed to ModemManager's name (libqmi's Peer.Ping) does start it
            try (DBusConnection c = DBusConnectionBuilder.forAddress(bus.address).withShared(false).build()) {
                Thread ping = new Thread(() -> {
                    try {
                        c.getRemoteObject(ModemManagerBus.NAME, ModemManagerBus.PATH, Peer.class, true).Ping();
                    } catch (Exception | Error e) {
                        // the stub never takes the name: the call fails after the bus's activation timeout
                    }
                }, "peer-ping");
                ping.setDaemon(true);
                ping.start();
                await(bus::modemManagerWasActivated, null, null, "the activation stub to run");
            }
        }
    }

    private static void await(BooleanSupplier done, Process p, Path err, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            if (p != null && !p.isAlive()) {
                fail("modemflash exited (" + p.exitValue() + ") before " + what + ": "
                        + (err == null ? "" : Files.readString(err, StandardCharsets.UTF_8)));
            }
            if (System.nanoTime() > deadline) {
                fail("no " + what + " within 60 s");
            }
            Thread.sleep(10);
        }
    }
}
