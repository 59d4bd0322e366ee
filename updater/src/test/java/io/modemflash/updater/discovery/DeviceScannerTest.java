package io.modemflash.updater.discovery;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.qdl.link.DownloadModeDevices.BootProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DeviceScannerTest {
    @TempDir
    Path dir;

    /** An MC7455 behind hub 3-1 port 4 on a SuperSpeed bus whose USB2 twin is 2-1.4. */
    static Path mc7455(FakeSysfs fs, String port, int devnum) throws Exception {
        Path d = fs.device(port, 0x1199, 0x9071, devnum, 4, "Sierra Wireless MC7455", "LF72751234011017");
        fs.tty(fs.iface(d, 0, 0xff, 0xff, 0xff, "qcserial"), "ttyUSB0", true);
        fs.tty(fs.iface(d, 3, 0xff, 0xff, 0xff, "qcserial"), "ttyUSB2", true);
        fs.tty(fs.iface(d, 2, 0xff, 0xff, 0xff, "qcserial"), "ttyUSB1", true);
        fs.cdcWdm(fs.iface(d, 8, 0xff, 0xff, 0xff, "qmi_wwan"), "cdc-wdm0", true);
        return d;
    }

    @Test
    void applicationModeModemWithQmiNodeTtysAndPeerPort() throws Exception {
        FakeSysfs fs = new FakeSysfs(dir);
        fs.peers("3-1.4", "2-1.4");
        mc7455(fs, "3-1.4", 7);
        fs.platformTty("ttyS0");
        DeviceScanner scanner = new DeviceScanner(fs.roots());
        List<Device> all = scanner.scan();
        assertEquals(1, all.size(), all.toString());
        Device d = all.get(0);
        assertEquals("3-1.4", d.port());
        assertEquals("2-1.4", d.peerPort());
        assertEquals("1199:9071", d.vidPid());
        assertEquals(Device.Mode.APPLICATION, d.mode());
        assertNull(d.protocol());
        assertEquals(7, d.devnum());
        assertEquals(fs.dev.resolve("cdc-wdm0"), d.qmiNode());
        assertEquals(List.of("ttyUSB0", "ttyUSB1", "ttyUSB2"), d.ttys().stream().map(Device.Tty::name).toList());
        assertEquals(List.of(0, 2, 3), d.ttys().stream().map(Device.Tty::interfaceNumber).toList());
        assertEquals("LF72751234011017", d.serial());

        assertEquals(d, scanner.find(fs.dev.resolve("cdc-wdm0").toString()).orElseThrow());
        assertEquals(d, scanner.find(fs.dev.resolve("ttyUSB2").toString()).orElseThrow());
        assertEquals(d, scanner.find("/dev/cdc-wdm0").orElseThrow(), "a /dev name maps under the dev root");
        assertEquals(d, scanner.find("3-1.4").orElseThrow());
        assertEquals(d, scanner.find("2-1.4").orElseThrow(), "the USB2 peer names the same port");
        assertTrue(scanner.find("3-1.3").isEmpty());
        assertTrue(scanner.find("/dev/cdc-wdm1").isEmpty());
    }

    @Test
    void aGobiNetModemIsFoundByItsQcqmiNode() throws Exception {
        FakeSysfs fs = new FakeSysfs(dir);
        Path d = fs.device("2-1", 0x1199, 0x9071, 3, 4, "MC7455", "LF72751234011017");
        fs.tty(fs.iface(d, 2, 0xff, 0xff, 0xff, "qcserial"), "ttyUSB0", true);
        fs.gobiQmi(fs.iface(d, 8, 0xff, 0xff, 0xff, "GobiNet"), "qcqmi0");
        DeviceScanner scanner = new DeviceScanner(fs.roots());
        Device m = scanner.scan().get(0);
        assertEquals(fs.dev.resolve("qcqmi0"), m.qmiNode());
        assertEquals(m, scanner.find("/dev/qcqmi0").orElseThrow());
        assertEquals(io.modemflash.qmi.transport.QmiPortKind.GOBINET,
                io.modemflash.qmi.transport.QmiPortKind.detect(fs.dev.resolve("qcqmi0")));
    }

    @Test
    void edlDeviceWithoutDriverIsFoundWithItsChipSerial() throws Exception {
        FakeSysfs fs = new FakeSysfs(dir);
        Path d = fs.device("1-2", 0x05c6, 0x9008, 12, 1, "QUSB_BULK_CID:0404_SN:5A1EE025", null);
        fs.iface(d, 0, 0xff, 0xff, 0xff, null);
        Device dev = new DeviceScanner(fs.roots()).scan().get(0);
        assertEquals(Device.Mode.DOWNLOAD, dev.mode());
        assertEquals(BootProtocol.SAHARA, dev.protocol());
        assertEquals("5A1EE025", dev.serial());
        assertTrue(dev.ttys().isEmpty());
        assertNull(dev.qmiNode());
    }

    @Test
    void sierraBootAndHoldExposesItsDownloadTty() throws Exception {
        FakeSysfs fs = new FakeSysfs(dir);
        Path d = fs.device("2-1.4", 0x1199, 0x9070, 9, 1, "Sierra Wireless MC7455", null);
        fs.tty(fs.iface(d, 0, 0xff, 0xff, 0xff, "qcserial"), "ttyUSB0", true);
        Device dev = new DeviceScanner(fs.roots()).scan().get(0);
        assertEquals(BootProtocol.SIERRA_QDL, dev.protocol());
        assertEquals(fs.dev.resolve("ttyUSB0"), dev.downloadTty().node());
    }

    @Test
    void sierraBootAndHoldOnItsApplicationIdIsDownloadModeByItsOneInterface() throws Exception {
        // an MC7455 in boot-and-hold that stays 1199:9071: one ff/ff/ff interface, which qcserial
        // binds as its QDL port (qcserial decides by the interface count, not the id)
        FakeSysfs fs = new FakeSysfs(dir);
        Path d = fs.device("2-1.4", 0x1199, 0x9071, 9, 1, "Sierra Wireless MC7455", null);
        fs.tty(fs.iface(d, 0, 0xff, 0xff, 0xff, "qcserial"), "ttyUSB0", true);
        Device dev = new DeviceScanner(fs.roots()).scan().get(0);
        assertEquals(Device.Mode.DOWNLOAD, dev.mode());
        assertNull(dev.protocol(), "the id tells no protocol: the device's first bytes will");
        assertEquals(fs.dev.resolve("ttyUSB0"), dev.downloadTty().node());
    }

    @Test
    void sierraBootAndHoldWithoutADriverIsDownloadMode() throws Exception {
        FakeSysfs fs = new FakeSysfs(dir);
        Path d = fs.device("2-1.4", 0x1199, 0x9078, 9, 1, null, null);
        fs.iface(d, 0, 0xff, 0xff, 0xff, null);
        Device dev = new DeviceScanner(fs.roots()).scan().get(0);
        assertEquals(Device.Mode.DOWNLOAD, dev.mode());
        assertTrue(dev.ttys().isEmpty());
    }

    @Test
    void aSingleInterfaceThatQcserialDrivesIsItsQdlPort() throws Exception {
        // a rebranded part (Dell) whose one interface is not ff/ff/ff: qcserial's rule still holds
        FakeSysfs fs = new FakeSysfs(dir);
        Path d = fs.device("1-5", 0x413c, 0x81b6, 3, 1, null, null);
        fs.tty(fs.iface(d, 0, 0xff, 0x00, 0x00, "qcserial"), "ttyUSB4", true);
        Device dev = new DeviceScanner(fs.roots()).scan().get(0);
        assertEquals(Device.Mode.DOWNLOAD, dev.mode());
        assertEquals("ttyUSB4", dev.downloadTty().name());
    }

    @Test
    void oneVendorInterfaceOfAnotherVendorWithoutQcserialIsNoModem() throws Exception {
        // an FTDI cable has one ff/ff/ff interface too; it is no modem in any mode
        FakeSysfs fs = new FakeSysfs(dir);
        Path d = fs.device("1-6", 0x0403, 0x6001, 5, 1, "FT232R USB UART", "A50285BI");
        fs.tty(fs.iface(d, 0, 0xff, 0xff, 0xff, "ftdi_sio"), "ttyUSB5", true);
        assertEquals(List.of(), new DeviceScanner(fs.roots()).scan());
    }

    @Test
    void aSierraModemInApplicationModeStaysThereWhateverItsFirstInterface() throws Exception {
        FakeSysfs fs = new FakeSysfs(dir);
        mc7455(fs, "3-1.4", 7);
        assertEquals(Device.Mode.APPLICATION, new DeviceScanner(fs.roots()).scan().get(0).mode());
    }

    @Test
    void unknownQualcommIdWithOneBootInterfaceIsEdl() throws Exception {
        FakeSysfs fs = new FakeSysfs(dir);
        Path d = fs.device("1-3", 0x05c6, 0x9025, 4, 1, null, null);
        fs.tty(fs.iface(d, 0, 0xff, 0xff, 0x10, "qcserial"), "ttyUSB3", true);
        assertEquals(BootProtocol.SAHARA, new DeviceScanner(fs.roots()).scan().get(0).protocol());
    }

    @Test
    void staleClassLinksOfAnUnpluggedModemAreIgnored() throws Exception {
        FakeSysfs fs = new FakeSysfs(dir);
        mc7455(fs, "3-1.4", 7);
        fs.unplugLeavingStaleLinks("3-1.4");
        assertEquals(List.of(), new DeviceScanner(fs.roots()).scan());
    }

    @Test
    void findsTheEmulatorsPtyFace() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565)) {
            PtyFace face = modem.publishPty(dir);
            for (SystemRoots roots : List.of(SystemRoots.of(dir, dir), SystemRoots.of(dir.resolve("sys"),
                    dir.resolve("dev")))) {
                Device d = new DeviceScanner(roots).find(face.usbPort()).orElseThrow();
                assertEquals("1199:9091", d.vidPid());
                assertEquals(face.qmiDevice(), d.qmiNode());
                assertEquals(Device.Mode.APPLICATION, d.mode());
                assertEquals("1-1", d.peerPort());
                assertEquals(face.ttys().keySet().stream().toList(), d.ttys().stream().map(Device.Tty::name).toList());
            }
        }
    }

    @Test
    void findsEveryModemOfASharedPtyDirectory() throws Exception {
        try (EmulatedModem a = EmulatedModem.start(Profiles.MC7455);
             EmulatedModem b = EmulatedModem.start(Profiles.EDL);
             EmulatedModem c = EmulatedModem.start(Profiles.EM7565)) {
            List<PtyFace> faces = List.of(a.publishPty(dir), b.publishPty(dir), c.publishPty(dir));
            DeviceScanner scanner = new DeviceScanner(SystemRoots.of(dir, dir));
            List<Device> found = scanner.scan();
            assertEquals(List.of("2-1", "2-2", "2-3"), found.stream().map(Device::port).toList());
            assertEquals(List.of("1199:9071", "05c6:90db", "1199:9091"), found.stream().map(Device::vidPid).toList());
            for (int i = 0; i < faces.size(); i++) {
                PtyFace f = faces.get(i);
                Device d = found.get(i);
                assertEquals(f.qmiDevice(), d.qmiNode());
                assertEquals("1-" + (i + 1), d.peerPort());
                assertEquals(f.ttys().keySet().stream().toList(), d.ttys().stream().map(Device.Tty::name).toList());
                assertEquals(d, scanner.find(f.qmiDevice().toString()).orElseThrow());
            }
            faces.get(1).close();
            assertEquals(List.of("2-1", "2-3"), scanner.scan().stream().map(Device::port).toList());
            assertTrue(scanner.find("2-2").isEmpty());
            assertEquals(faces.get(2).qmiDevice(), scanner.find("2-3").orElseThrow().qmiNode());
        }
        assertEquals(List.of(), new DeviceScanner(SystemRoots.of(dir, dir)).scan());
    }

    @Test
    void followsThePtyFaceIntoEdlAndBack() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL)) {
            PtyFace face = modem.publishPty(dir);
            DeviceScanner scanner = new DeviceScanner(SystemRoots.of(dir, dir));
            Device app = scanner.find(face.qmiDevice().toString()).orElseThrow();
            modem.boot().enterDownloadMode();
            Device dl = new PortWatcher(scanner, app, java.time.Duration.ofMillis(10))
                    .await(PortWatcher.downloadMode(), "EDL device", java.time.Duration.ofSeconds(20));
            assertEquals("05c6:9008", dl.vidPid());
            assertEquals(BootProtocol.SAHARA, dl.protocol());
            assertEquals("5A1EE025", dl.serial());
            assertEquals(face.downloadTty(), dl.downloadTty().node());
            assertNotEquals(app.devnum(), dl.devnum());
        }
    }
}
