package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Output;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** `modemflash emulate` as a separate process: ready line, a QMI exchange on its pty, cleanup on SIGTERM. */
class EmulateCommandTest {
    @TempDir
    Path dir;

    private Process start(String... args) throws Exception {
        return startAs("", args);
    }

    /** An emulator process with stdout and stderr in DIR/stdout{name}.txt and DIR/stderr{name}.txt. */
    private Process startAs(String name, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djna.tmpdir=" + System.getProperty("jna.tmpdir", dir.resolve("jna").toString()),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "emulate"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(dir.resolve("stderr" + name + ".txt").toFile())
                .redirectOutput(dir.resolve("stdout" + name + ".txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    /** The ready line of emulator {@code name} (fails when it died without one). */
    private JsonNode ready(Process p, String name) throws Exception {
        Path stdout = dir.resolve("stdout" + name + ".txt");
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && !Files.readString(stdout).contains("\n") && System.nanoTime() < giveUp) {
            Thread.sleep(20);
        }
        String line = Files.readString(stdout).lines().findFirst().orElse(null);
        assertNotNull(line, "no ready line; stderr:\n" + Files.readString(dir.resolve("stderr" + name + ".txt")));
        return Output.mapper().readTree(line);
    }

    /** One CTL Get Version Info over the pty: the answer carries the same transaction id. */
    private static void assertAnswers(Path qmi) throws Exception {
        try (var port = io.modemflash.posix.PosixFd.open(qmi)) {
            port.write(io.modemflash.qmi.Hex.parse("01 0B 00 00 00 00 00 2A 21 00 00 00"));
            byte[] buf = new byte[512];
            int n = port.read(buf, 0, buf.length, 10_000);
            assertTrue(n > 12, "short answer: " + n);
            assertEquals(0x2A, buf[7]);
        }
    }

    @Test
    void severalEmulatorsShareOneDirectoryEachOnItsOwnPort() throws Exception {
        Path pub = dir.resolve("shared").toAbsolutePath();
        Process first = startAs("1", "--profile", "mc7455", "--pty", pub.toString());
        Process second = null;
        try {
            JsonNode a = ready(first, "1");
            assertEquals("2-1", a.get("usb_port").asText());
            assertEquals(pub.resolve("dev/cdc-wdm0").toString(), a.get("qmi").asText());
            second = startAs("2", "--profile", "em7565", "--pty", pub.toString(), "--port", "3");
            JsonNode b = ready(second, "2");
            assertEquals("2-3", b.get("usb_port").asText());
            assertEquals(pub.resolve("dev/cdc-wdm1").toString(), b.get("qmi").asText());
            assertEquals(pub.resolve("sys/devices/pci0000:00/0000:00:14.0/usb2/2-3").toString(),
                    b.get("usb_device").asText());
            assertEquals(List.of("ttyUSB3", "ttyUSB4", "ttyUSB5"), iterable(b.get("ttys").fieldNames()));
            assertEquals(pub.resolve("dev/ttyUSB3").toString(), b.get("download_tty").asText());
            assertEquals("1199", Files.readString(pub.resolve("sys/class/usbmisc/cdc-wdm1/device/../idVendor")).strip());

            // a port that is taken is a usage error naming the owner
            Process third = startAs("3", "--profile", "edl", "--pty", pub.toString(), "--port", "3");
            assertTrue(third.waitFor(60, TimeUnit.SECONDS));
            assertEquals(ExitCode.USAGE.code, third.exitValue());
            assertTrue(Files.readString(dir.resolve("stderr3.txt")).contains("USB port 2-3 is taken by another "
                    + "emulated modem (pid " + second.pid() + ")"), Files.readString(dir.resolve("stderr3.txt")));

            first.destroy();
            assertTrue(first.waitFor(20, TimeUnit.SECONDS), "emulator did not stop on SIGTERM");
            assertFalse(Files.exists(pub.resolve("dev/cdc-wdm0"), LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(pub.resolve("sys/class/usbmisc/cdc-wdm0"), LinkOption.NOFOLLOW_LINKS));
            assertAnswers(Path.of(b.get("qmi").asText()));

            second.destroy();
            assertTrue(second.waitFor(20, TimeUnit.SECONDS), "emulator did not stop on SIGTERM");
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
        }
        assertFalse(Files.exists(pub.resolve("sys"), LinkOption.NOFOLLOW_LINKS), "the last one removes the tree");
        assertFalse(Files.exists(pub.resolve("dev"), LinkOption.NOFOLLOW_LINKS));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void printsOneReadyLineServesQmiAndCleansUpOnSigterm() throws Exception {
        Path pub = dir.resolve("emu");
        Process p = start("--profile", "em7565", "--pty", pub.toString());
        try {
            Path stdout = dir.resolve("stdout.txt");
            // wait for the ready line (or for the process to die)
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive() && !Files.readString(stdout).contains("\n") && System.nanoTime() < giveUp) {
                Thread.sleep(20);
            }
            String line = Files.readString(stdout).lines().findFirst().orElse(null);
            assertNotNull(line, "no ready line; stderr:\n" + Files.readString(dir.resolve("stderr.txt")));
            JsonNode ready = Output.mapper().readTree(line);
            assertEquals("ready", ready.get("event").asText());
            assertEquals("em7565", ready.get("profile").asText());
            assertEquals("1199:9091", ready.get("usb_id").asText());
            assertEquals("2-1", ready.get("usb_port").asText());
            Path qmi = Path.of(ready.get("qmi").asText());
            assertEquals(pub.toAbsolutePath().resolve("dev/cdc-wdm0"), qmi);
            assertEquals(pub.toAbsolutePath().resolve("sys").toString(), ready.get("sysfs").asText());
            assertTrue(Files.isSymbolicLink(qmi));
            assertEquals("1199", Files.readString(pub.resolve("sys/class/usbmisc/cdc-wdm0/device/../idVendor")).strip());

            // one CTL Get Version Info over the pty: the answer carries the same transaction id
            try (var port = io.modemflash.posix.PosixFd.open(qmi)) {
                port.write(io.modemflash.qmi.Hex.parse("01 0B 00 00 00 00 00 2A 21 00 00 00"));
                byte[] buf = new byte[512];
                int n = port.read(buf, 0, buf.length, 10_000);
                assertTrue(n > 12, "short answer: " + n);
                assertEquals(0x01, buf[0]);
                assertEquals((byte) 0x80, buf[3]);
                assertEquals(0x2A, buf[7]);
            }

            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "emulator did not stop on SIGTERM");
            assertEquals(1, Files.readAllLines(stdout).size(), "exactly one line on stdout");
        } finally {
            p.destroyForcibly();
        }
        assertFalse(Files.exists(pub.resolve("sys"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(pub.resolve("dev/cdc-wdm0"), LinkOption.NOFOLLOW_LINKS));
    }

    /** The ready line as JSON, waiting for it (or for the process to die). */
    private JsonNode ready(Process p) throws Exception {
        Path stdout = dir.resolve("stdout.txt");
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && !Files.readString(stdout).contains("\n") && System.nanoTime() < giveUp) {
            Thread.sleep(20);
        }
        String line = Files.readString(stdout).lines().findFirst().orElse(null);
        assertNotNull(line, "no ready line; stderr:\n" + Files.readString(dir.resolve("stderr.txt")));
        return Output.mapper().readTree(line);
    }

    @Test
    void edlStorageDirGetsOneFilePerLunThatOutlivesTheEmulator() throws Exception {
        record Case(String type, int luns, long lunBytes) {
        }
        // default UFS: 3 LUNs of 2048 x 4096 bytes; eMMC: one LUN of 32768 x 512 bytes
        for (Case c : List.of(new Case("ufs", 3, 2048L * 4096), new Case("emmc", 1, 32768L * 512))) {
            Path storage = dir.resolve("flash-" + c.type());
            Process p = start("--profile", "edl", "--edl-storage", c.type(), "--pty", dir.resolve("emu-" + c.type()).toString(),
                    "--storage", storage.toString());
            try {
                JsonNode ready = ready(p);
                assertEquals("edl", ready.get("profile").asText());
                assertEquals(storage.toAbsolutePath().toString(), ready.get("storage").asText());
                List<String> files;
                try (var list = Files.list(storage)) {
                    files = list.map(f -> f.getFileName().toString()).sorted().toList();
                }
                List<String> want = java.util.stream.IntStream.range(0, c.luns()).mapToObj(i -> "lun" + i + ".img").toList();
                assertEquals(want, files, c.type() + ": one lunN.img per LUN and nothing else");
                for (String f : files) {
                    assertEquals(c.lunBytes(), Files.size(storage.resolve(f)), c.type() + " " + f + " is the whole LUN");
                }
                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(20, TimeUnit.SECONDS), "emulator did not stop on SIGTERM");
            } finally {
                p.destroyForcibly();
            }
            for (int i = 0; i < c.luns(); i++) {
                assertTrue(Files.exists(storage.resolve("lun" + i + ".img")), "--storage is kept after exit");
            }
        }
    }

    @Test
    void unknownProfileAndBadFaultAreUsageErrors() throws Exception {
        Process p = start("--profile", "mc7430", "--pty", dir.resolve("a").toString());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(ExitCode.USAGE.code, p.exitValue());
        assertTrue(Files.readString(dir.resolve("stderr.txt")).contains("unknown emulator profile 'mc7430'"));

        p = start("--profile", "mc7455", "--fault", "qmi-error:dms-get-revision:Bogus", "--pty", dir.resolve("b").toString());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(ExitCode.USAGE.code, p.exitValue());
        assertTrue(Files.readString(dir.resolve("stderr.txt")).contains("unknown QMI error 'Bogus'"));
        assertFalse(Files.exists(dir.resolve("b/sys")));

        p = start("--profile", "mc7455", "--port", "16", "--pty", dir.resolve("c").toString());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(ExitCode.USAGE.code, p.exitValue());
        assertTrue(Files.readString(dir.resolve("stderr.txt")).contains("--port 16: the emulated root hub has ports 1-15"));
    }

    /** A usbredir guest in a few lines, on the emulator's own public codec (what QEMU announces). */
    private static final class Guest implements AutoCloseable {
        final java.nio.channels.SocketChannel ch;
        final io.modemflash.emulator.usbredir.UsbRedirCodec codec = new io.modemflash.emulator.usbredir.UsbRedirCodec(
                io.modemflash.emulator.usbredir.UsbRedirCodec.Side.GUEST, 0x7A);
        final java.util.ArrayDeque<io.modemflash.emulator.usbredir.UsbRedirMessage> got = new java.util.ArrayDeque<>();

        Guest(Path socket) throws Exception {
            ch = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket));
            ch.write(java.nio.ByteBuffer.wrap(codec.encode(
                    new io.modemflash.emulator.usbredir.UsbRedirMessage.Hello(0, "test guest", 0x7A))));
        }

        /** The next packet of that type (others skipped); a disconnect is acknowledged. */
        <T extends io.modemflash.emulator.usbredir.UsbRedirMessage> T next(Class<T> type) throws Exception {
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(65536);
            while (System.nanoTime() < giveUp) {
                while (!got.isEmpty()) {
                    var m = got.poll();
                    if (m instanceof io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceDisconnect) {
                        ch.write(java.nio.ByteBuffer.wrap(codec.encode(
                                new io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceDisconnectAck(0))));
                    }
                    if (type.isInstance(m)) {
                        return type.cast(m);
                    }
                }
                buf.clear();
                int n = ch.read(buf);
                assertTrue(n >= 0, "the emulator closed the connection");
                got.addAll(codec.decode(buf.array(), 0, n));
            }
            throw new AssertionError("no " + type.getSimpleName());
        }

        @Override
        public void close() throws java.io.IOException {
            ch.close();
        }
    }

    @Test
    void usbredirServesTheModemOnASocketAndSigusr1UnplugsIt() throws Exception {
        Path sock = dir.resolve("ur.sock");
        Process p = start("--profile", "mc7455", "--usbredir", "listen:" + sock, "--unplug-seconds", "1", "--json");
        try {
            JsonNode ready = ready(p);
            assertEquals("usbredir", ready.get("face").asText());
            assertEquals("listen:" + sock.toAbsolutePath(), ready.get("usbredir").asText());
            assertEquals(sock.toAbsolutePath().toString(), ready.get("socket").asText());
            assertEquals("1199:9071", ready.get("usb_id").asText());
            assertEquals("1199:9070", ready.get("download_usb_id").asText());
            try (Guest g = new Guest(sock)) {
                var connect = g.next(io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceConnect.class);
                assertEquals(0x9071, connect.productId());
                // a real SIGUSR1, as a bench sends it: off the bus, back a second later
                assertEquals(0, new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor());
                g.next(io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceDisconnect.class);
                long gone = System.nanoTime();
                assertEquals(0x9071, g.next(io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceConnect.class)
                        .productId());
                assertTrue(System.nanoTime() - gone > TimeUnit.MILLISECONDS.toNanos(900), "back too early");
            }
            assertTrue(p.isAlive(), "SIGUSR1 must not stop the emulator");
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            String events = Files.readString(dir.resolve("stdout.txt"));
            assertTrue(events.contains("\"event\":\"usb_removed\""), events);
            assertTrue(events.contains("\"usbredir\":\"listen:" + sock.toAbsolutePath()), events);
        } finally {
            p.destroyForcibly();
        }
        assertFalse(Files.exists(sock), "the listening socket is removed on exit");
    }

    @Test
    void usbredirUsageErrorsAndAMissingPeer() throws Exception {
        Process p = start("--profile", "mc7455", "--usbredir", dir.resolve("none.sock").toString(), "--usbredir-wait", "0");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(ExitCode.DEVICE_NOT_FOUND.code, p.exitValue());
        assertTrue(Files.readString(dir.resolve("stderr.txt")).contains("no usbredir peer at " + dir.resolve("none.sock")),
                Files.readString(dir.resolve("stderr.txt")));

        p = start("--profile", "edl", "--boot-id", "app", "--usbredir", "listen:" + dir.resolve("e.sock"));
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(ExitCode.USAGE.code, p.exitValue());
        assertTrue(Files.readString(dir.resolve("stderr.txt")).contains("only Sierra boot-and-hold can keep the application id"));

        p = start("--profile", "mc7455", "--usbredir", "listen:" + dir.resolve("f.sock"), "--pty", dir.resolve("f").toString());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(ExitCode.USAGE.code, p.exitValue());
        assertTrue(Files.readString(dir.resolve("stderr.txt")).contains("--pty and --port do not apply"));
    }

    @Test
    void bootIdAppKeepsTheApplicationIdInDownloadMode() throws Exception {
        Process p = start("--profile", "mc7455", "--boot-id", "app", "--pty", dir.resolve("g").toString());
        try {
            assertEquals("1199:9071", ready(p).get("download_usb_id").asText());
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }
}
