package io.modemflash.emulator.usb;

import io.modemflash.emulator.Profile;
import io.modemflash.emulator.boot.DownloadMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One USB personality of the emulated modem as a host sees it on the wire: identity, strings
 * and the interfaces of its only configuration with their endpoints. Built from a profile's
 * application-mode {@link Profile.Usb} or from a {@link DownloadMode}; {@link UsbDescriptors}
 * turns it into descriptor bytes.
 *
 * <p>Endpoint numbers follow the Sierra/Qualcomm layout seen on real parts (e.g. an MC7455
 * family part: interface 0 bulk 0x81/0x01; interface 2 interrupt 0x83, bulk 0x82/0x02;
 * interface 3 interrupt 0x85, bulk 0x84/0x03; interface 8 interrupt 0x87, bulk 0x86/0x04):
 * per interface in order, the bulk IN takes the next IN number, the interrupt IN the one
 * after, the bulk OUT the next OUT number.
 *
 * @param serial iSerialNumber text, null when the descriptor has none (index 0)
 */
public record UsbDeviceModel(int vendorId, int productId, int bcdDevice, String manufacturer, String product,
                             String serial, int maxPowerMa, List<Interface> interfaces) {

    public static final int BULK = 2;
    public static final int INTERRUPT = 3;
    /** wMaxPacketSize of a high-speed bulk endpoint. */
    public static final int HS_BULK_PACKET = 512;
    /** High-speed bInterval 9: every 2^8 microframes = 32 ms, as Qualcomm parts announce. */
    static final int HS_INTERVAL_32MS = 9;

    public UsbDeviceModel {
        interfaces = List.copyOf(interfaces);
    }

    /** An endpoint; interval is the high-speed bInterval (0 for bulk). */
    public record Endpoint(int address, int type, int maxPacketSize, int interval) {
        public boolean in() {
            return (address & 0x80) != 0;
        }
    }

    /**
     * One alternate setting of an interface and what it does. Most interfaces have only
     * setting 0; a CDC data interface has 0 without endpoints and 1 with them.
     * classDescriptors are the class-specific (functional) descriptors that follow the
     * interface descriptor, as bytes.
     */
    public record Interface(int number, int alternate, int cls, int subClass, int protocol,
                            Profile.Function function, byte[] classDescriptors, List<Endpoint> endpoints) {
        public Interface {
            endpoints = List.copyOf(endpoints);
            classDescriptors = classDescriptors.clone();
        }

        /** Alternate setting 0 without class-specific descriptors. */
        public Interface(int number, int cls, int subClass, int protocol, Profile.Function function,
                         List<Endpoint> endpoints) {
            this(number, 0, cls, subClass, protocol, function, new byte[0], endpoints);
        }

        @Override
        public byte[] classDescriptors() {
            return classDescriptors.clone();
        }

        public Optional<Endpoint> endpoint(int type, boolean in) {
            return endpoints.stream().filter(e -> e.type() == type && e.in() == in).findFirst();
        }
    }

    public String vidPid() {
        return String.format("%04x:%04x", vendorId, productId);
    }

    /** Alternate setting 0 of an interface. */
    public Optional<Interface> iface(int number) {
        return iface(number, 0);
    }

    public Optional<Interface> iface(int number, int alternate) {
        return interfaces.stream().filter(i -> i.number() == number && i.alternate() == alternate).findFirst();
    }

    /** How many interfaces (not alternate settings) the configuration has. */
    public int interfaceCount() {
        return (int) interfaces.stream().mapToInt(Interface::number).distinct().count();
    }

    /** The interface an endpoint address belongs to (in whichever alternate setting has it). */
    public Optional<Interface> ifaceOf(int endpointAddress) {
        return interfaces.stream().filter(i -> i.endpoints().stream().anyMatch(e -> e.address() == endpointAddress))
                .findFirst();
    }

    public Optional<Endpoint> endpoint(int address) {
        return interfaces.stream().flatMap(i -> i.endpoints().stream()).filter(e -> e.address() == address)
                .findFirst();
    }

    /** The application-mode device of a profile. */
    public static UsbDeviceModel application(Profile.Usb usb) {
        List<Interface> out = new ArrayList<>();
        int nextIn = 1;
        int nextOut = 1;
        for (Profile.UsbInterface i : usb.interfaces()) {
            if (Cdc.isMbim(i)) {
                // the control interface takes the next IN number for its notifications, the data
                // interface (the next interface number) a bulk pair in its alternate setting 1
                Endpoint notify = new Endpoint(0x80 | nextIn++, INTERRUPT, Cdc.NOTIFICATION_PACKET, HS_INTERVAL_32MS);
                int data = i.number() + 1;
                out.add(new Interface(i.number(), 0, i.cls(), i.subClass(), i.protocol(), i.function(),
                        Cdc.mbimControlDescriptors(i.number(), data), List.of(notify)));
                out.add(new Interface(data, 0, Cdc.DATA_CLASS, 0, Cdc.MBIM_DATA_PROTOCOL,
                        Profile.Function.NETWORK_DATA, new byte[0], List.of()));
                out.add(new Interface(data, 1, Cdc.DATA_CLASS, 0, Cdc.MBIM_DATA_PROTOCOL,
                        Profile.Function.NETWORK_DATA, new byte[0],
                        List.of(new Endpoint(0x80 | nextIn++, BULK, HS_BULK_PACKET, 0),
                                new Endpoint(nextOut++, BULK, HS_BULK_PACKET, 0))));
                continue;
            }
            List<Endpoint> eps = new ArrayList<>();
            int bulkIn = 0x80 | nextIn++;
            if (i.endpoints() >= 3) {
                // QMI control carries cdc-wdm notifications (8 bytes); serial ports a 10-byte serial state
                int intSize = i.function() == Profile.Function.QMI ? 64 : 10;
                eps.add(new Endpoint(0x80 | nextIn++, INTERRUPT, intSize, HS_INTERVAL_32MS));
            }
            eps.add(new Endpoint(bulkIn, BULK, HS_BULK_PACKET, 0));
            eps.add(new Endpoint(nextOut++, BULK, HS_BULK_PACKET, 0));
            out.add(new Interface(i.number(), i.cls(), i.subClass(), i.protocol(), i.function(), eps));
        }
        return new UsbDeviceModel(usb.vendorId(), usb.productId(), usb.bcdDevice(), usb.manufacturer(), usb.product(),
                usb.serial(), 500, out);
    }

    /**
     * A download personality: one interface ff/ff/ff with bulk IN 0x81 first and bulk OUT 0x01
     * second (the order the kernel's qcserial checks before it takes a single-interface device
     * as a QDL port), 512-byte packets, 2 mA, as a Qualcomm PBL reports it.
     */
    public static UsbDeviceModel download(DownloadMode mode) {
        Interface only = new Interface(0, 0xff, 0xff, 0xff, Profile.Function.DOWNLOAD,
                List.of(new Endpoint(0x81, BULK, HS_BULK_PACKET, 0), new Endpoint(0x01, BULK, HS_BULK_PACKET, 0)));
        return new UsbDeviceModel(mode.vendorId(), mode.productId(), 0x0000, mode.manufacturer(), mode.product(),
                mode.serial(), 2, List.of(only));
    }
}
