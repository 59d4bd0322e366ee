package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.boot.DownloadMode;
import io.modemflash.emulator.usb.UsbDescriptors;
import io.modemflash.emulator.usb.UsbDeviceModel;
import io.modemflash.qmi.Hex;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Descriptor bytes checked by hand against USB 2.0 chapter 9 and what the real parts report
 * (an MC7455-family part's usb-devices: interface 0 ff/ff/ff bulk 81/01; 2 and 3 ff/00/00
 * with a 10-byte interrupt every 32 ms and bulk 82/02, 84/03; QMI on 8 with interrupt 87 and
 * bulk 86/04; bus powered with remote wakeup (Atr=a0); a 9008's lsusb: bcdDevice 0.00,
 * iManufacturer 1 "Qualcomm CDMA Technologies MSM", iProduct 2, iSerial 0, wTotalLength 0x20,
 * MaxPower 2mA, bulk IN 0x81 before OUT 0x01).
 */
class UsbDescriptorsTest {
    static final String MC7455_CONFIG = String.join(" ",
            "09 02 7A 00 04 01 00 A0 FA",
            "09 04 00 00 02 FF FF FF 00", "07 05 81 02 00 02 00", "07 05 01 02 00 02 00",
            "09 04 02 00 03 FF 00 00 00", "07 05 83 03 0A 00 09", "07 05 82 02 00 02 00", "07 05 02 02 00 02 00",
            "09 04 03 00 03 FF 00 00 00", "07 05 85 03 0A 00 09", "07 05 84 02 00 02 00", "07 05 03 02 00 02 00",
            "09 04 08 00 03 FF FF FF 00", "07 05 87 03 40 00 09", "07 05 86 02 00 02 00", "07 05 04 02 00 02 00");

    @Test
    void mc7455() {
        UsbDeviceModel m = UsbDeviceModel.application(Profiles.MC7455.usb());
        assertEquals("12 01 00 02 00 00 00 40 99 11 71 90 06 00 01 02 03 01", Hex.spaced(UsbDescriptors.device(m)));
        assertEquals(MC7455_CONFIG, Hex.spaced(UsbDescriptors.configuration(m)));
        assertEquals("04 03 09 04", Hex.spaced(UsbDescriptors.string(m, 0)));
        assertEquals("3C 03 53 00 69 00 65 00", Hex.spaced(UsbDescriptors.string(m, 1), 0, 8)); // "Sierra Wireless, Incorporated"
        assertEquals("LF72751234011017", new String(UsbDescriptors.string(m, 3), 2, 32,
                java.nio.charset.StandardCharsets.UTF_16LE));
        assertNull(UsbDescriptors.string(m, 4));
        assertEquals("0A 06 00 02 00 00 00 40 01 00", Hex.spaced(UsbDescriptors.deviceQualifier(m)));
        // at full speed: 64-byte bulk packets, the 32 ms interrupt in frames
        byte[] other = UsbDescriptors.otherSpeedConfiguration(m);
        assertEquals(7, other[1]);
        assertEquals("07 05 81 02 40 00 00", Hex.spaced(other, 18, 25));
        assertEquals("07 05 83 03 0A 00 20", Hex.spaced(other, 41, 48));
    }

    @Test
    void edlDownloadPersonality() {
        UsbDeviceModel m = UsbDeviceModel.download(DownloadMode.of(Profiles.EDL));
        assertEquals("12 01 00 02 00 00 00 40 C6 05 08 90 00 00 01 02 00 01", Hex.spaced(UsbDescriptors.device(m)));
        assertEquals("09 02 20 00 01 01 00 A0 01 09 04 00 00 02 FF FF FF 00 07 05 81 02 00 02 00 07 05 01 02 00 02 00",
                Hex.spaced(UsbDescriptors.configuration(m)));
        assertEquals("QUSB_BULK_CID:0404_SN:5A1EE025", new String(UsbDescriptors.string(m, 2), 2,
                UsbDescriptors.string(m, 2).length - 2, java.nio.charset.StandardCharsets.UTF_16LE));
        assertNull(UsbDescriptors.string(m, 3), "iSerialNumber 0");
    }

    @Test
    void edlApplicationModeHasQmiOnInterfaceTwo() {
        UsbDeviceModel m = UsbDeviceModel.application(Profiles.EDL.usb());
        assertEquals("12 01 00 02 00 00 00 40 C6 05 DB 90 14 04 01 02 03 01", Hex.spaced(UsbDescriptors.device(m)));
        UsbDeviceModel.Interface qmi = m.iface(2).orElseThrow();
        assertEquals(3, qmi.endpoints().size());
        assertEquals(0x85, qmi.endpoints().get(0).address()); // DM 81/01, NMEA 83+82/02, QMI 85+84/03
        assertEquals(UsbDeviceModel.INTERRUPT, qmi.endpoints().get(0).type());
    }
}
