package io.modemflash.emulator.boot;

import io.modemflash.emulator.BootHost;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.ModemEvent;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.qdl.link.TtyLink;
import io.modemflash.vectors.samples.ExpectedStorage;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The pty face re-enumerates like Linux: same port path, download identity with one qcserial tty, then back. */
class BootPtyFaceTest {

    private static String attr(Path dir, String name) throws Exception {
        return Files.readString(dir.resolve(name)).strip();
    }

    private static void awaitExists(Path p, boolean exists) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (Files.exists(p, LinkOption.NOFOLLOW_LINKS) != exists) {
            assertTrue(System.nanoTime() < end, p + (exists ? " never appeared" : " never went away"));
            Thread.sleep(10);
        }
    }

    @Test
    void edlReEnumeratesOnTheSamePortAndFlashesOverTheTty(@TempDir Path dir, @TempDir Path storage,
                                                          @TempDir Path samples) throws Exception {
        Path edl = SamplePackages.edl(samples);
        EdlFlashTest.edl = edl;
        List<ModemEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, storage)) {
            modem.onEvent(events::add);
            PtyFace face = modem.publishPty(dir);
            Path device = face.usbDeviceDir();
            assertEquals("2-1", device.getFileName().toString());
            String appDevnum = attr(device, "devnum");

            BootHost.requestEdl(modem);
            Path tty = face.downloadTty();
            awaitExists(tty, true);
            assertFalse(Files.exists(face.qmiDevice(), LinkOption.NOFOLLOW_LINKS), "cdc-wdm0 is gone in download mode");
            assertFalse(Files.exists(dir.resolve("sys/class/usbmisc/cdc-wdm0"), LinkOption.NOFOLLOW_LINKS));
            assertEquals(device, face.currentDeviceDir(), "same port path");
            assertEquals("05c6", attr(device, "idVendor"));
            assertEquals("9008", attr(device, "idProduct"));
            assertEquals("1", attr(device, "bNumInterfaces"));
            assertEquals("QUSB_BULK_CID:0404_SN:5A1EE025", attr(device, "product"));
            assertFalse(Files.exists(device.resolve("serial")), "EDL has no iSerialNumber");
            assertNotEquals(appDevnum, attr(device, "devnum"));
            Path intf = device.resolve("2-1:1.0");
            assertEquals("ff", attr(intf, "bInterfaceClass"));
            assertEquals("qcserial", Files.readSymbolicLink(intf.resolve("driver")).getFileName().toString());
            assertTrue(Files.isDirectory(intf.resolve("ttyUSB0/tty/ttyUSB0")));
            assertEquals(intf.resolve("ttyUSB0/tty/ttyUSB0").toRealPath(),
                    dir.resolve("sys/class/tty/ttyUSB0").toRealPath());
            assertEquals(1, Files.list(device).filter(p -> p.getFileName().toString().startsWith("2-1:")).count());

            try (TtyLink link = TtyLink.open(tty)) {
                EdlFlashTest.flash(link);
            }
            awaitExists(face.qmiDevice(), true);
            assertTrue(modem.awaitApplicationMode(java.time.Duration.ofSeconds(10)));
            assertFalse(Files.exists(tty, LinkOption.NOFOLLOW_LINKS));
            assertEquals("90db", attr(face.currentDeviceDir(), "idProduct"));
            assertTrue(Files.exists(dir.resolve("sys/class/usbmisc/cdc-wdm0"), LinkOption.NOFOLLOW_LINKS));
            assertEquals("4", attr(face.currentDeviceDir(), "bNumInterfaces"));

            for (var e : ExpectedStorage.forSample(edl).entrySet()) {
                assertArrayEquals(e.getValue(), Files.readAllBytes(storage.resolve("lun" + e.getKey() + ".img")));
            }
            assertEquals(SamplePackages.EDL_FIRMWARE, BootHost.revision(modem));
            int removed = events.indexOf(new ModemEvent.UsbRemoved("05c6:90db", false));
            int added = events.indexOf(new ModemEvent.UsbAdded("05c6:9008", true));
            assertTrue(removed >= 0 && removed < added, events.toString());
        }
        assertFalse(Files.exists(dir.resolve("sys")));
    }
    /**
     * On a shared tree numbers are handed out at each enumeration, lowest free first, as the
     * kernel does: the download tty takes a number another modem's ttys left free, and a modem
     * that comes back gets whatever is free then, not its old numbers.
     */
    @Test
    void reEnumerationOnASharedTreeTakesTheLowestFreeNumbers(@TempDir Path dir, @TempDir Path storage,
                                                              @TempDir Path samples) throws Exception {
        EdlFlashTest.edl = SamplePackages.edl(samples);
        try (EmulatedModem a = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, storage);
             EmulatedModem b = EmulatedModem.start(Profiles.MC7455);
             EmulatedModem c = EmulatedModem.start(Profiles.MC7455)) {
            PtyFace fa = a.publishPty(dir); // 2-1: cdc-wdm0, ttyUSB0-2
            PtyFace fb = b.publishPty(dir); // 2-2: cdc-wdm1, ttyUSB3-5
            assertEquals(dir.resolve("dev/ttyUSB0"), fa.downloadTty(), "its own ttys leave first");

            BootHost.requestEdl(a);
            Path tty = dir.resolve("dev/ttyUSB0");
            awaitExists(tty, true);
            assertEquals(tty, fa.downloadTty());
            assertEquals(fa.currentDeviceDir().resolve("2-1:1.0/ttyUSB0/tty/ttyUSB0").toRealPath(),
                    dir.resolve("sys/class/tty/ttyUSB0").toRealPath());
            PtyFace fc = c.publishPty(dir); // arrives while a is in download mode
            assertEquals("2-3", fc.usbPort());
            assertEquals(dir.resolve("dev/cdc-wdm0"), fc.qmiDevice());
            assertEquals(List.of("ttyUSB1", "ttyUSB2", "ttyUSB6"), List.copyOf(fc.ttys().keySet()));

            try (TtyLink link = TtyLink.open(tty)) {
                EdlFlashTest.flash(link);
            }
            assertTrue(a.awaitApplicationMode(java.time.Duration.ofSeconds(10)));
            assertEquals(dir.resolve("dev/cdc-wdm2"), fa.qmiDevice());
            awaitExists(fa.qmiDevice(), true);
            assertEquals(List.of("ttyUSB0", "ttyUSB7", "ttyUSB8"), List.copyOf(fa.ttys().keySet()));
            assertFalse(Files.exists(tty, LinkOption.NOFOLLOW_LINKS), "the download node went with its device");
            assertEquals(SamplePackages.EDL_FIRMWARE, BootHost.revision(a));
            assertEquals(dir.resolve("dev/cdc-wdm1"), fb.qmiDevice(), "b saw none of it");
            assertTrue(Files.exists(fb.qmiDevice()));
        }
        assertFalse(Files.exists(dir.resolve("sys")));
    }

    /**
     * A Sierra part in boot-and-hold that keeps its application id: the tree shows 1199:9071
     * with one ff/ff/ff interface and its tty, as the kernel shows such a part (issue 12).
     */
    @Test
    void bootAndHoldKeepingTheApplicationIdShowsOneInterface(@TempDir Path dir, @TempDir Path samples)
            throws Exception {
        Path spk = SamplePackages.mc7455(samples);
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, null,
                DownloadMode.of(Profiles.MC7455).keepingApplicationId(Profiles.MC7455))) {
            PtyFace face = modem.publishPty(dir);
            Path device = face.usbDeviceDir();
            assertEquals("4", attr(device, "bNumInterfaces"));
            modem.boot().enterDownloadMode();
            Path tty = face.downloadTty();
            awaitExists(tty, true);
            assertEquals("1199", attr(device, "idVendor"));
            assertEquals("9071", attr(device, "idProduct"), "the application id, kept");
            assertEquals("1", attr(device, "bNumInterfaces"));
            Path intf = device.resolve("2-1:1.0");
            assertEquals("ff", attr(intf, "bInterfaceSubClass"));
            assertEquals("ff", attr(intf, "bInterfaceProtocol"));
            assertFalse(Files.exists(device.resolve("2-1:1.8")));
            try (TtyLink link = TtyLink.open(tty)) {
                SierraFlashTest.flashQdl(link, spk);
            }
            awaitExists(face.qmiDevice(), true);
            assertTrue(modem.awaitApplicationMode(java.time.Duration.ofSeconds(10)));
            assertEquals("4", attr(face.currentDeviceDir(), "bNumInterfaces"));
        }
        assertThrows(IllegalArgumentException.class,
                () -> DownloadMode.of(Profiles.EDL).keepingApplicationId(Profiles.EDL), "a PBL is always 05c6:9008");
    }
}
