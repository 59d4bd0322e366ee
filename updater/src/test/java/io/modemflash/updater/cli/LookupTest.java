package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.discovery.DeviceScanner;
import io.modemflash.updater.discovery.FakeSysfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** -d as qmi-firmware-update and lsusb take it: VID:PID and BUS:DEV, exactly one match or a clear error. */
class LookupTest {
    @TempDir
    Path dir;

    @Test
    void vidPidAndBusDevSelectExactlyOneDevice() throws Exception {
        FakeSysfs fs = new FakeSysfs(dir);
        Path a = fs.device("3-1.4", 0x1199, 0x9071, 7, 4, "MC7455", "A");
        fs.cdcWdm(fs.iface(a, 8, 0xff, 0xff, 0xff, "qmi_wwan"), "cdc-wdm0", true);
        Path b = fs.device("2-1", 0x1199, 0x9071, 3, 4, "MC7455", "B");
        fs.cdcWdm(fs.iface(b, 8, 0xff, 0xff, 0xff, "qmi_wwan"), "cdc-wdm1", true);
        Path e = fs.device("1-2", 0x05c6, 0x9008, 12, 1, "QUSB_BULK_CID:0404_SN:5A1EE025", null);
        fs.iface(e, 0, 0xff, 0xff, 0xff, null);
        Files.writeString(e.resolve("busnum"), "1\n");
        DeviceScanner scanner = new DeviceScanner(fs.roots());

        assertEquals("1-2", Lookup.modem(scanner, "05c6:9008", null).orElseThrow().port());
        assertEquals("1-2", Lookup.modem(scanner, "05C6:9008", null).orElseThrow().port());
        assertEquals("3-1.4", Lookup.modem(scanner, "3:7", null).orElseThrow().port(), "bus from the port path");
        assertEquals("2-1", Lookup.modem(scanner, "002:003", null).orElseThrow().port(), "lsusb's zero-padded form");
        assertEquals("1-2", Lookup.modem(scanner, "1:12", null).orElseThrow().port(), "sysfs busnum");
        assertTrue(Lookup.modem(scanner, "1199:9070", null).isEmpty());
        assertTrue(Lookup.modem(scanner, "2:7", null).isEmpty(), "devnum 7 is on bus 3");

        Failure f = assertThrows(Failure.class, () -> Lookup.modem(scanner, "1199:9071", null));
        assertEquals(ExitCode.USAGE, f.exitCode());
        assertEquals("1199:9071 matches 2 devices (USB ports 2-1, 3-1.4): name one by its port path or /dev node",
                f.getMessage());
    }
}
