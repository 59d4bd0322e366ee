package io.modemflash.qdl.link;

import io.modemflash.qdl.link.DownloadModeDevices.BootProtocol;
import io.modemflash.qdl.link.DownloadModeDevices.InterfaceClass;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class DownloadModeDevicesTest {

    @Test
    void knownIdsCarryTheirProtocol() {
        assertEquals(BootProtocol.SAHARA, DownloadModeDevices.protocolOf(0x05c6, 0x9008));
        assertEquals(BootProtocol.SAHARA_MEMORY_DEBUG, DownloadModeDevices.protocolOf(0x05c6, 0x900e));
        assertEquals(BootProtocol.SIERRA_QDL, DownloadModeDevices.protocolOf(0x1199, 0x9070));
        assertEquals(BootProtocol.SIERRA_SAHARA_FIREHOSE, DownloadModeDevices.protocolOf(0x1199, 0x9090));
        assertTrue(DownloadModeDevices.known(0x1199, 0x9071).isEmpty(), "application mode is not download mode");
    }

    @Test
    void anyQualcommVendorInterfaceWithBootProtocolMatches() {
        for (int proto : new int[] {0xff, 0x10, 0x11, 0x13}) {
            var i = new InterfaceClass(0, 0xff, 0xff, proto);
            assertEquals(Optional.of(i), DownloadModeDevices.bootInterface(0x05c6, 0x1234, List.of(i)));
        }
        var other = new InterfaceClass(0, 0xff, 0xff, 0x30);
        assertTrue(DownloadModeDevices.bootInterface(0x05c6, 0x1234, List.of(other)).isEmpty());
        var notVendor = new InterfaceClass(0, 0x02, 0xff, 0xff);
        assertTrue(DownloadModeDevices.bootInterface(0x05c6, 0x1234, List.of(notVendor)).isEmpty());
        assertTrue(DownloadModeDevices.bootInterface(0x2c7c, 0x0125, List.of(new InterfaceClass(0, 0xff, 0xff, 0xff)))
                .isEmpty(), "other vendors only by the known table");
    }

    @Test
    void knownSierraIdPicksItsOnlyInterface() {
        var i = new InterfaceClass(0, 0xff, 0xff, 0xff);
        assertEquals(Optional.of(i), DownloadModeDevices.bootInterface(0x1199, 0x9070, List.of(i)));
    }

    @Test
    void aSierraDeviceWithOneFfInterfaceIsInBootAndHoldWhateverItsId() {
        var only = new InterfaceClass(0, 0xff, 0xff, 0xff);
        assertEquals(Optional.of(only), DownloadModeDevices.bootInterface(0x1199, 0x9071, List.of(only)));
        assertEquals(Optional.of(only), DownloadModeDevices.bootInterface(0x1199, 0x9078, List.of(only)));
        assertTrue(DownloadModeDevices.protocolHint(0x1199, 0x9071).isEmpty(), "the id tells no protocol");
        assertEquals(Optional.of(BootProtocol.SIERRA_QDL), DownloadModeDevices.protocolHint(0x1199, 0x9070));
        assertEquals(Optional.of(BootProtocol.SAHARA), DownloadModeDevices.protocolHint(0x05c6, 0x9025));
        var qmi = new InterfaceClass(8, 0xff, 0xff, 0xff);
        var at = new InterfaceClass(3, 0xff, 0xff, 0xff);
        assertTrue(DownloadModeDevices.bootInterface(0x1199, 0x9071, List.of(at, qmi)).isEmpty(),
                "application mode has several interfaces");
        assertTrue(DownloadModeDevices.bootInterface(0x1199, 0x9071, List.of(new InterfaceClass(0, 0xff, 0, 0)))
                .isEmpty(), "only a vendor-specific ff/ff/ff interface");
    }

    @Test
    void portPathLikeSysfs() {
        assertEquals("2-1.4", DownloadModeDevices.portPath(2, new int[] {1, 4}));
        assertEquals("1-3", DownloadModeDevices.portPath(1, new int[] {3}));
        assertEquals("3-0", DownloadModeDevices.portPath(3, new int[0]));
    }

    @Test
    void serialFromIProduct() {
        assertEquals(Optional.of("5A1EE025"), DownloadModeDevices.serialFromProduct("QUSB_BULK_CID:0404_SN:5A1EE025"));
        assertEquals(Optional.of("ABC"), DownloadModeDevices.serialFromProduct("X_SN:ABC _rest"));
        assertTrue(DownloadModeDevices.serialFromProduct("QUSB__BULK").isEmpty());
        assertTrue(DownloadModeDevices.serialFromProduct("QUSB_SN:").isEmpty());
        assertTrue(DownloadModeDevices.serialFromProduct(null).isEmpty());
    }

    @Test
    void selection() {
        assertTrue(DownloadModeDevices.selected(null, null, "2-1", null));
        assertTrue(DownloadModeDevices.selected("2-1", null, "2-1", "x"));
        assertFalse(DownloadModeDevices.selected("2-1.4", null, "2-1", "x"));
        assertTrue(DownloadModeDevices.selected(null, "5a1ee025", "2-1", "5A1EE025"));
        assertFalse(DownloadModeDevices.selected(null, "5A1EE026", "2-1", "5A1EE025"));
        assertFalse(DownloadModeDevices.selected(null, "5A1EE026", "2-1", null));
    }

    @Test
    void transferPlanChunksAndZlp() {
        assertArrayEquals(new int[] {1 << 20, 1 << 20, 0}, DownloadModeDevices.transferPlan(2 << 20, 1 << 20, 512, true));
        assertArrayEquals(new int[] {1 << 20, 1 << 20}, DownloadModeDevices.transferPlan(2 << 20, 1 << 20, 512, false));
        assertArrayEquals(new int[] {1 << 20, 100}, DownloadModeDevices.transferPlan((1 << 20) + 100, 1 << 20, 512, true));
        assertArrayEquals(new int[] {1024, 0}, DownloadModeDevices.transferPlan(1024, 1 << 20, 1024, true));
        assertArrayEquals(new int[] {1000}, DownloadModeDevices.transferPlan(1000, 1 << 20, 512, true));
        assertArrayEquals(new int[0], DownloadModeDevices.transferPlan(0, 1 << 20, 512, true));
    }

    @Test
    void zlpRule() {
        assertTrue(Zlp.needed(512, 512, true));
        assertTrue(Zlp.needed(4096, 512, true));
        assertFalse(Zlp.needed(4096, 512, false));
        assertFalse(Zlp.needed(4095, 512, true));
        assertFalse(Zlp.needed(0, 512, true));
    }
}
