package io.modemflash.emulator.usb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard USB 2.0 descriptors (chapter 9) of a {@link UsbDeviceModel} at high speed: device,
 * configuration (every interface and alternate setting with its functional descriptors and
 * endpoints), strings (index 1 manufacturer, 2 product, 3 serial; 0 the language list), device
 * qualifier and other-speed configuration.
 * Pure: bytes out, no I/O.
 */
public final class UsbDescriptors {
    public static final int DEVICE = 1;
    public static final int CONFIGURATION = 2;
    public static final int STRING = 3;
    public static final int INTERFACE = 4;
    public static final int ENDPOINT = 5;
    public static final int DEVICE_QUALIFIER = 6;
    public static final int OTHER_SPEED_CONFIGURATION = 7;

    public static final int LANGUAGE_EN_US = 0x0409;
    static final int STRING_MANUFACTURER = 1;
    static final int STRING_PRODUCT = 2;
    static final int STRING_SERIAL = 3;
    /** bmAttributes: bus powered (bit 7 always set) with remote wakeup, as modems report (Atr=a0). */
    static final int ATTRIBUTES = 0xa0;
    static final int EP0_PACKET = 64;
    static final int FS_BULK_PACKET = 64;

    private UsbDescriptors() {
    }

    /** The 18-byte device descriptor (bcdUSB 2.00, class defined per interface). */
    public static byte[] device(UsbDeviceModel m) {
        return new byte[] {18, DEVICE, 0x00, 0x02, 0, 0, 0, EP0_PACKET,
                lo(m.vendorId()), hi(m.vendorId()), lo(m.productId()), hi(m.productId()),
                lo(m.bcdDevice()), hi(m.bcdDevice()),
                STRING_MANUFACTURER, STRING_PRODUCT, (byte) (m.serial() != null ? STRING_SERIAL : 0), 1};
    }

    /** The configuration descriptor with its interfaces and endpoints (wTotalLength bytes). */
    public static byte[] configuration(UsbDeviceModel m) {
        return configuration(m, CONFIGURATION, false);
    }

    /** What the device would be at full speed (asked for by lsusb -v; a high-speed device must answer). */
    public static byte[] otherSpeedConfiguration(UsbDeviceModel m) {
        return configuration(m, OTHER_SPEED_CONFIGURATION, true);
    }

    private static byte[] configuration(UsbDeviceModel m, int type, boolean fullSpeed) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (UsbDeviceModel.Interface i : m.interfaces()) {
            body.writeBytes(new byte[] {9, INTERFACE, (byte) i.number(), (byte) i.alternate(),
                    (byte) i.endpoints().size(), (byte) i.cls(), (byte) i.subClass(), (byte) i.protocol(), 0});
            body.writeBytes(i.classDescriptors());
            for (UsbDeviceModel.Endpoint e : i.endpoints()) {
                int mps = e.maxPacketSize();
                int interval = e.interval();
                if (fullSpeed) {
                    mps = e.type() == UsbDeviceModel.BULK ? FS_BULK_PACKET : Math.min(mps, 64);
                    interval = e.interval() == 0 ? 0 : Math.min(255, 1 << (e.interval() - 1) >> 3);
                }
                body.writeBytes(new byte[] {7, ENDPOINT, (byte) e.address(), (byte) e.type(), lo(mps), hi(mps),
                        (byte) interval});
            }
        }
        int total = 9 + body.size();
        byte[] out = new byte[total];
        byte[] head = {9, (byte) type, lo(total), hi(total), (byte) m.interfaceCount(), 1, 0, (byte) ATTRIBUTES,
                (byte) Math.min(255, (m.maxPowerMa() + 1) / 2)};
        System.arraycopy(head, 0, out, 0, 9);
        System.arraycopy(body.toByteArray(), 0, out, 9, body.size());
        return out;
    }

    /** The device qualifier: the same device at the other (full) speed. */
    public static byte[] deviceQualifier(UsbDeviceModel m) {
        return new byte[] {10, DEVICE_QUALIFIER, 0x00, 0x02, 0, 0, 0, EP0_PACKET, 1, 0};
    }

    /** String descriptor {@code index} (0: the supported languages), or null when there is none. */
    public static byte[] string(UsbDeviceModel m, int index) {
        String s = switch (index) {
            case 0 -> null;
            case STRING_MANUFACTURER -> m.manufacturer();
            case STRING_PRODUCT -> m.product();
            case STRING_SERIAL -> m.serial();
            default -> null;
        };
        if (index == 0) {
            return new byte[] {4, STRING, lo(LANGUAGE_EN_US), hi(LANGUAGE_EN_US)};
        }
        if (s == null) {
            return null;
        }
        byte[] utf16 = s.getBytes(StandardCharsets.UTF_16LE);
        int n = Math.min(utf16.length, 252); // bLength is one byte, whole characters
        byte[] out = new byte[2 + n];
        out[0] = (byte) out.length;
        out[1] = STRING;
        System.arraycopy(utf16, 0, out, 2, n);
        return out;
    }

    private static byte lo(int v) {
        return (byte) v;
    }

    private static byte hi(int v) {
        return (byte) (v >> 8);
    }
}
