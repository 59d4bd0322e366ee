package io.modemflash.emulator;

import io.modemflash.posix.Posix;
import io.modemflash.posix.PosixFd;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.QmuxFramer;
import io.modemflash.qmi.ctl.GetVersionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PtyFaceTest {
    @TempDir
    Path dir;

    private static String read(Path p) throws Exception {
        return Files.readString(p).strip();
    }

    @Test
    void sysfsTreeDescribesTheUsbDeviceAsLinuxDoes() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            PtyFace face = modem.publishPty(dir);
            Path sys = dir.resolve("sys");
            assertEquals(sys, face.sysfsRoot());
            assertEquals("2-1", face.usbPort());

            Path classLink = sys.resolve("class/usbmisc/cdc-wdm0");
            assertTrue(Files.isSymbolicLink(classLink));
            Path node = classLink.toRealPath();
            assertEquals(sys.toRealPath().resolve("devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.8/usbmisc/cdc-wdm0"), node);
            Path iface = classLink.resolve("device").toRealPath();
            assertEquals("2-1:1.8", iface.getFileName().toString());
            assertEquals("qmi_wwan", iface.resolve("driver").toRealPath().getFileName().toString());
            assertEquals("08", read(iface.resolve("bInterfaceNumber")));
            assertEquals("ff", read(iface.resolve("bInterfaceClass")));
            Path usbDev = iface.getParent();
            assertEquals("1199", read(usbDev.resolve("idVendor")));
            assertEquals("9071", read(usbDev.resolve("idProduct")));
            assertEquals("4", read(usbDev.resolve("bNumInterfaces")));
            assertEquals(Profiles.MC7455.usb().serial(), read(usbDev.resolve("serial")));
            assertEquals("Sierra Wireless, Incorporated", read(usbDev.resolve("manufacturer")));
            assertEquals("2", read(usbDev.resolve("busnum")));
            assertEquals("1", read(usbDev.resolve("devpath")));
            assertEquals("180:176", read(node.resolve("dev")));
            // USB3 port and its USB2 peer
            Path peer = usbDev.resolve("port/peer").toRealPath();
            assertEquals("usb1-port1", peer.getFileName().toString());

            // AT/DM ports: ttyUSBn bound to qcserial
            Path tty = sys.resolve("class/tty/ttyUSB2").toRealPath();
            assertEquals("2-1:1.3", tty.getParent().getParent().getParent().getFileName().toString());
            assertEquals("qcserial", tty.resolve("device/driver").toRealPath().getFileName().toString());
            assertEquals("qcserial", tty.getParent().getParent().getParent().resolve("driver").toRealPath()
                    .getFileName().toString());
            assertEquals(Profile.Function.AT, face.ttys().get("ttyUSB2"));

            // the node is a character device behind a symlink, as udev's by-id links are
            assertTrue(Files.isSymbolicLink(face.qmiDevice()));
            assertTrue(Posix.isCharDevice(face.qmiDevice()));
        }
        // everything created is removed
        assertFalse(Files.exists(dir.resolve("sys"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(dir.resolve("dev"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void edlProfileTtysAreBoundToOption() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL)) {
            modem.publishPty(dir);
            Path tty = dir.resolve("sys/class/tty/ttyUSB0").toRealPath();
            assertEquals("option1", tty.resolve("device/driver").toRealPath().getFileName().toString());
            assertEquals("05c6", read(dir.resolve("sys/class/usbmisc/cdc-wdm0/device").toRealPath().getParent()
                    .resolve("idVendor")));
        }
    }

    @Test
    void publishingOneModemTwiceFailsClearly() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            modem.publishPty(dir);
            Exception e = assertThrows(IllegalStateException.class, () -> modem.publishPty(dir.resolve("other")));
            assertTrue(e.getMessage().contains("already published at USB port 2-1"), e.getMessage());
        }
    }

    private static Path usb2(Path dir) {
        return dir.resolve("sys/devices/pci0000:00/0000:00:14.0/usb2");
    }

    @Test
    void modemsSharingOneDirectoryGetTheirOwnPortAndNumbers() throws Exception {
        try (EmulatedModem a = EmulatedModem.start(Profiles.MC7455);
             EmulatedModem b = EmulatedModem.start(Profiles.EDL);
             EmulatedModem c = EmulatedModem.start(Profiles.EM7565)) {
            PtyFace fa = a.publishPty(dir);
            PtyFace fb = b.publishPty(dir);
            PtyFace fc = c.publishPty(dir);
            assertEquals(List.of("2-1", "2-2", "2-3"), List.of(fa.usbPort(), fb.usbPort(), fc.usbPort()));
            assertEquals(List.of(dir.resolve("dev/cdc-wdm0"), dir.resolve("dev/cdc-wdm1"), dir.resolve("dev/cdc-wdm2")),
                    List.of(fa.qmiDevice(), fb.qmiDevice(), fc.qmiDevice()));
            assertEquals(List.of("ttyUSB0", "ttyUSB1", "ttyUSB2"), List.copyOf(fa.ttys().keySet()));
            assertEquals(List.of("ttyUSB3", "ttyUSB4", "ttyUSB5"), List.copyOf(fb.ttys().keySet()));
            assertEquals(List.of("ttyUSB6", "ttyUSB7", "ttyUSB8"), List.copyOf(fc.ttys().keySet()));
            // the kernel's view: each class link leads into its own device, with its own minor
            Path sys = dir.resolve("sys");
            assertEquals(usb2(dir).toRealPath().resolve("2-2/2-2:1.2/usbmisc/cdc-wdm1") /* edl: QMI on interface 2 */,
                    sys.resolve("class/usbmisc/cdc-wdm1").toRealPath());
            assertEquals("180:177", read(sys.resolve("class/usbmisc/cdc-wdm1/dev")));
            assertEquals("188:7", read(sys.resolve("class/tty/ttyUSB7/dev")));
            assertEquals("2", read(usb2(dir).resolve("2-2/devpath")));
            assertEquals("option1", sys.resolve("class/tty/ttyUSB3/device/driver").toRealPath().getFileName().toString());
            assertEquals(3, java.util.stream.Stream.of(fa, fb, fc).map(f -> {
                try {
                    return read(f.usbDeviceDir().resolve("devnum"));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).distinct().count(), "one devnum per device on the bus");
            // each port has its USB2/USB3 peer
            assertEquals("usb1-port3", fc.usbDeviceDir().resolve("port/peer").toRealPath().getFileName().toString());
            for (PtyFace f : List.of(fa, fb, fc)) {
                assertAnswers(f);
            }

            fb.close(); // the middle one leaves: only its own device and nodes go
            assertFalse(Files.exists(usb2(dir).resolve("2-2"), LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(sys.resolve("class/usbmisc/cdc-wdm1"), LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(sys.resolve("class/tty/ttyUSB4"), LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(dir.resolve("dev/cdc-wdm1"), LinkOption.NOFOLLOW_LINKS));
            assertTrue(Files.exists(sys.resolve("class/usbmisc/cdc-wdm2/device")));
            assertTrue(Files.exists(sys.resolve("class/tty/ttyUSB0/device")));
            assertAnswers(fa);
            assertAnswers(fc);

            // the next modem takes the free port and the lowest free numbers
            try (EmulatedModem d = EmulatedModem.start(Profiles.MC7455)) {
                PtyFace fd = d.publishPty(dir);
                assertEquals("2-2", fd.usbPort());
                assertEquals(dir.resolve("dev/cdc-wdm1"), fd.qmiDevice());
                assertEquals(List.of("ttyUSB3", "ttyUSB4", "ttyUSB5"), List.copyOf(fd.ttys().keySet()));
                assertAnswers(fd);
            }
            fa.close();
            assertTrue(Files.exists(sys.resolve("class/usbmisc/cdc-wdm2/device")), "the last one keeps the tree");
            assertAnswers(fc);
        }
        assertFalse(Files.exists(dir.resolve("sys"), LinkOption.NOFOLLOW_LINKS), "the last one removes the tree");
        assertFalse(Files.exists(dir.resolve("dev"), LinkOption.NOFOLLOW_LINKS));
    }

    private static void assertAnswers(PtyFace face) throws Exception {
        try (PosixFd fd = PosixFd.open(face.qmiDevice())) {
            fd.write(versionInfo(77));
            QmiMessage r = new Reader(fd).next();
            assertEquals(77, r.transactionId(), face.usbPort());
            r.checkResult();
        }
    }

    @Test
    void anExplicitPortIsUsedAndATakenOneIsRefused() throws Exception {
        try (EmulatedModem a = EmulatedModem.start(Profiles.MC7455);
             EmulatedModem b = EmulatedModem.start(Profiles.MC7455);
             EmulatedModem c = EmulatedModem.start(Profiles.MC7455)) {
            PtyFace fa = a.publishPty(dir, 3);
            assertEquals("2-3", fa.usbPort());
            assertEquals(dir.resolve("dev/cdc-wdm0"), fa.qmiDevice(), "numbers do not follow ports");
            assertEquals("usb1-port3", fa.usbDeviceDir().resolve("port/peer").toRealPath().getFileName().toString());
            Exception e = assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> b.publishPty(dir, 3));
            assertTrue(e.getMessage().contains("USB port 2-3 is taken by another emulated modem (pid "
                    + ProcessHandle.current().pid() + ")"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.publishPty(dir, 16));
            assertEquals("2-1", b.publishPty(dir).usbPort(), "the first free port");
            assertEquals("2-2", c.publishPty(dir).usbPort());
            assertAnswers(fa);
        }
        assertFalse(Files.exists(dir.resolve("sys"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void modemsPublishedAtOnceNeverShareANumber() throws Exception {
        int n = 6;
        List<EmulatedModem> modems = new java.util.ArrayList<>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            for (int i = 0; i < n; i++) {
                modems.add(EmulatedModem.start(Profiles.MC7455));
            }
            List<java.util.concurrent.Future<PtyFace>> published = new java.util.ArrayList<>();
            for (EmulatedModem m : modems) {
                published.add(pool.submit(() -> m.publishPty(dir)));
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            java.util.Set<String> ports = new java.util.HashSet<>();
            for (var f : published) {
                PtyFace face = f.get();
                ports.add(face.usbPort());
                assertTrue(names.add(face.qmiDevice().getFileName().toString()), face.qmiDevice().toString());
                face.ttys().keySet().forEach(t -> assertTrue(names.add(t), t));
            }
            assertEquals(n, ports.size());
            assertEquals(n * 4, names.size());
            assertTrue(names.containsAll(List.of("cdc-wdm0", "cdc-wdm5", "ttyUSB0", "ttyUSB17")), names.toString());
        } finally {
            pool.shutdownNow();
            for (EmulatedModem m : modems) {
                m.close();
            }
        }
        assertFalse(Files.exists(dir.resolve("sys"), LinkOption.NOFOLLOW_LINKS));
    }

    /** Reads whole frames from a port fd. */
    private static final class Reader {
        final PosixFd fd;
        final QmuxFramer framer = new QmuxFramer();
        final Deque<byte[]> frames = new ArrayDeque<>();

        Reader(PosixFd fd) {
            this.fd = fd;
        }

        QmiMessage next() throws Exception {
            byte[] buf = new byte[4096];
            while (frames.isEmpty()) {
                int n = fd.read(buf, 0, buf.length, 10_000);
                assertTrue(n > 0, "no answer from the emulated modem");
                frames.addAll(framer.feedFrames(buf, 0, n));
            }
            return QmiMessage.decode(frames.poll());
        }
    }

    private static byte[] versionInfo(int tid) {
        return QmiMessage.request(QmiService.CTL, 0, tid, GetVersionInfo.ID, List.of()).encode();
    }

    @Test
    void servesClientsThatOpenAndCloseThePortRepeatedly() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            PtyFace face = modem.publishPty(dir);
            for (int i = 1; i <= 40; i++) {
                try (PosixFd fd = PosixFd.open(face.qmiDevice())) {
                    fd.write(versionInfo(i));
                    QmiMessage r = new Reader(fd).next();
                    assertEquals(i, r.transactionId());
                    r.checkResult();
                }
            }
            assertNull(face.failure());
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 2000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(5);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    @Test
    void answersLeftUnreadByAClosedClientDoNotReachTheNextOne() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            PtyFace face = modem.publishPty(dir);
            // repeated: the hazard is a race between the modem's write and the client's close
            for (int i = 0; i < 25; i++) {
                int handled = modem.qmi().history().size();
                int hangups = face.hangups();
                try (PosixFd fd = PosixFd.open(face.qmiDevice())) {
                    fd.write(versionInfo(100 + i));
                    await(() -> modem.qmi().history().size() > handled, "request not handled");
                }
                // conditions, not delays: the server has seen the hang-up
                await(() -> face.hangups() > hangups, "hang-up not seen");
                try (PosixFd fd = PosixFd.open(face.qmiDevice())) {
                    fd.write(versionInfo(200 + i));
                    assertEquals(200 + i, new Reader(fd).next().transactionId(), "iteration " + i);
                }
                await(() -> face.hangups() > hangups + 1, "second hang-up not seen");
            }
            assertNull(face.failure());
        }
    }

    @Test
    void termiosChangedByAClientIsUndoneForTheNextOne() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            PtyFace face = modem.publishPty(dir);
            try (PosixFd fd = PosixFd.open(face.qmiDevice())) {
                // a client that changes VMIN/VTIME, and talks so the server counts it
                io.modemflash.posix.Termios.makeRaw(fd, 0, 0, 5);
                fd.write(versionInfo(1));
                new Reader(fd).next();
            }
            await(() -> face.hangups() == 1, "hang-up not seen");
            try (PosixFd fd = PosixFd.open(face.qmiDevice())) {
                var a = io.modemflash.posix.Termios.get(fd);
                assertTrue(a.isRaw());
                assertEquals(1, a.vmin());
                assertEquals(0, a.vtime());
            }
        }
    }
}
