package io.modemflash.emulator;

import io.modemflash.emulator.Profile.Function;
import io.modemflash.emulator.Profile.Identity;
import io.modemflash.emulator.Profile.ImageSlot;
import io.modemflash.emulator.Profile.Qmi;
import io.modemflash.emulator.Profile.SetFirmwareIdReply;
import io.modemflash.emulator.Profile.Usb;
import io.modemflash.emulator.Profile.UsbInterface;
import io.modemflash.qmi.ctl.GetVersionInfo.ServiceVersion;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The built-in profiles. Identities follow what the real parts report (MC7455 values from
 * PROTOCOLS.md section 7); serial numbers and IMEIs are made up but well formed (Luhn-valid).
 */
public final class Profiles {
    private Profiles() {
    }

    /** Client ids per service; real firmware has a small fixed pool, 16 is typical. */
    public static final int CLIENT_IDS = 16;

    /**
     * Vendor-specific class. Sierra parts show DM and QMI as ff/ff/ff and the NMEA and AT ports
     * as ff/00/00 (usb-devices of an MC7455-family part).
     */
    private static final int FF = 0xff;

    private static ServiceVersion sv(int service, int major, int minor) {
        return new ServiceVersion(service, major, minor);
    }

    private static ImageId modem(String build) {
        return ImageId.of(ImageId.TYPE_MODEM, "?_?", build);
    }

    private static ImageId pri(String uniqueId, String build) {
        return ImageId.of(ImageId.TYPE_PRI, uniqueId, build);
    }

    /**
     * Sierra Wireless MC7455 (9x30): the Sierra layout the kernel's qcserial and qmi_wwan
     * tables expect (0 DM, 2 NMEA, 3 AT on qcserial; QMI on interface 8), firmware preference,
     * Set Firmware ID accepted.
     */
    public static final Profile MC7455 = new Profile("mc7455", "Sierra Wireless MC7455 (Qualcomm 9x30)",
            new Usb(0x1199, 0x9071, 0x0006, "Sierra Wireless, Incorporated",
                    "Sierra Wireless MC7455 Qualcomm\u00ae Snapdragon\u2122 X7 LTE-A", "LF72751234011017", "3.00", 5000,
                    List.of(new UsbInterface(0, FF, FF, FF, 2, Function.DM, "qcserial"),
                            new UsbInterface(2, FF, 0x00, 0x00, 3, Function.NMEA, "qcserial"),
                            new UsbInterface(3, FF, 0x00, 0x00, 3, Function.AT, "qcserial"),
                            new UsbInterface(8, FF, FF, FF, 3, Function.QMI, "qmi_wwan"))),
            new Identity("Sierra Wireless, Incorporated", "MC7455",
                    "SWI9X30C_02.33.03.00 r8209 CARMD-EV-FRMWR2 2019/08/28 20:59:30",
                    "0", "359072060123458", null, "05"),
            List.of(sv(0x00, 1, 5), sv(0x01, 1, 67), sv(0x02, 1, 14), sv(0x03, 1, 25), sv(0x04, 1, 12),
                    sv(0x05, 1, 10), sv(0x06, 1, 12), sv(0x07, 1, 2), sv(0x08, 1, 2), sv(0x09, 2, 1),
                    sv(0x0A, 2, 24), sv(0x0B, 1, 46), sv(0x0C, 1, 4), sv(0x10, 2, 0), sv(0x11, 1, 0),
                    sv(0x1A, 1, 16), sv(0x24, 1, 0), sv(0xE1, 1, 0), sv(0xE2, 1, 0)),
            new Qmi(CLIENT_IDS, SetFirmwareIdReply.ACCEPT,
                    List.of(modem("02.33.03.00_?"), pri("002.072_000", "02.33.03.00_GENERIC")),
                    List.of(new ImageSlot(ImageId.TYPE_MODEM, 4, 0,
                                    List.of(modem("02.33.03.00_?"), modem("02.30.01.01_?"))),
                            new ImageSlot(ImageId.TYPE_PRI, 50, 0,
                                    List.of(pri("002.072_000", "02.33.03.00_GENERIC"),
                                            pri("002.073_000", "02.33.03.00_VERIZON"),
                                            pri("002.068_000", "02.30.01.01_ATT")))),
                    new SwiGetCurrentFirmware.Response("MC7455", "SWI9X30C_02.33.03.00", "SWI9X30C_02.33.03.00",
                            "1102476", null, "1", "000.005", "GENERIC", "002.072_000"),
                    true));

    /** Sierra Wireless EM7565 (9x50): like the MC7455 over QMI, but Set Firmware ID is answered MissingArgument. */
    public static final Profile EM7565 = new Profile("em7565", "Sierra Wireless EM7565 (Qualcomm 9x50)",
            new Usb(0x1199, 0x9091, 0x0006, "Sierra Wireless, Incorporated",
                    "Sierra Wireless EM7565 Qualcomm\u00ae Snapdragon\u2122 X16 LTE-A", "UF83900123451018", "3.10", 5000,
                    List.of(new UsbInterface(0, FF, FF, FF, 2, Function.DM, "qcserial"),
                            new UsbInterface(2, FF, 0x00, 0x00, 3, Function.NMEA, "qcserial"),
                            new UsbInterface(3, FF, 0x00, 0x00, 3, Function.AT, "qcserial"),
                            new UsbInterface(8, FF, FF, FF, 3, Function.QMI, "qmi_wwan"))),
            new Identity("Sierra Wireless, Incorporated", "EM7565",
                    "SWI9X50C_01.08.04.00 dbb5b3 jenkins 2018/08/21 21:40:11",
                    "0", "353906098765432", null, "06"),
            List.of(sv(0x00, 1, 5), sv(0x01, 1, 107), sv(0x02, 1, 16), sv(0x03, 1, 25), sv(0x04, 1, 12),
                    sv(0x05, 1, 10), sv(0x06, 1, 12), sv(0x07, 1, 3), sv(0x08, 1, 3), sv(0x09, 2, 1),
                    sv(0x0A, 2, 24), sv(0x0B, 1, 58), sv(0x0C, 1, 4), sv(0x10, 2, 0), sv(0x11, 1, 0),
                    sv(0x1A, 1, 18), sv(0x24, 1, 0), sv(0xE1, 1, 0), sv(0xE2, 1, 0)),
            new Qmi(CLIENT_IDS, SetFirmwareIdReply.MISSING_ARGUMENT,
                    List.of(modem("01.08.04.00_?"), pri("001.063_000", "01.08.04.00_GENERIC")),
                    List.of(new ImageSlot(ImageId.TYPE_MODEM, 4, 0, List.of(modem("01.08.04.00_?"))),
                            new ImageSlot(ImageId.TYPE_PRI, 50, 0,
                                    List.of(pri("001.063_000", "01.08.04.00_GENERIC"),
                                            pri("001.060_000", "01.08.04.00_ATT")))),
                    new SwiGetCurrentFirmware.Response("EM7565", "SWI9X50C_01.08.04.00", "SWI9X50C_01.08.04.00",
                            "1104405", null, "1", "000.010", "GENERIC", "001.063_000"),
                    true));

    /**
     * A generic Qualcomm SDX55 part (05c6:90db): no Sierra messages, no firmware preference;
     * its revision carries the Qualcomm image version string; updates go through EDL.
     */
    public static final Profile EDL = new Profile("edl", "Generic Qualcomm SDX55 modem (EDL updates)",
            new Usb(0x05c6, 0x90db, 0x0414, "Qualcomm, Incorporated", "SDX55-MTP _SN:5A1EE025", "5A1EE025", "3.20", 5000,
                    // QMI on interface 2: what the kernel's qmi_wwan table expects of 05c6:90db
                    List.of(new UsbInterface(0, FF, FF, 0x30, 2, Function.DM, "option"),
                            new UsbInterface(1, FF, 0x00, 0x00, 3, Function.NMEA, "option"),
                            new UsbInterface(2, FF, FF, FF, 3, Function.QMI, "qmi_wwan"),
                            new UsbInterface(3, FF, 0x00, 0x00, 3, Function.AT, "option"))),
            new Identity("QUALCOMM INCORPORATED", "SDX55",
                    "MPSS.HI.2.0.c3-00134-SDX55_GEN_PACK-1.335318.1",
                    null, "868394041234566", null, "01"),
            List.of(sv(0x00, 1, 7), sv(0x01, 1, 147), sv(0x02, 1, 18), sv(0x03, 1, 25), sv(0x04, 1, 12),
                    sv(0x05, 1, 10), sv(0x09, 2, 1), sv(0x0B, 1, 64), sv(0x10, 2, 0), sv(0x11, 1, 0),
                    sv(0x1A, 1, 18), sv(0x24, 1, 0)),
            new Qmi(CLIENT_IDS, SetFirmwareIdReply.INVALID_QMI_COMMAND, null, List.of(), null, false));

    private static final Map<String, Profile> BY_NAME = new LinkedHashMap<>();

    static {
        for (Profile p : List.of(MC7455, EM7565, EDL)) {
            BY_NAME.put(p.name(), p);
        }
    }

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** The profile of that name (case-insensitive); a clear error listing the known ones otherwise. */
    public static Profile byName(String name) {
        Profile p = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (p == null) {
            throw new IllegalArgumentException("unknown emulator profile '" + name + "'; known: "
                    + String.join(", ", BY_NAME.keySet()));
        }
        return p;
    }
}
