package io.modemflash.emulator;

import io.modemflash.qmi.ctl.GetVersionInfo.ServiceVersion;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;

import java.util.List;
import java.util.Objects;

/**
 * What one emulated modem model is: pure data. The device logic (QMI engine, pty and sysfs
 * faces) is shared; a profile only says which identity it shows and which quirks it has.
 */
public record Profile(String name, String description, Usb usb, Identity identity,
                      List<ServiceVersion> services, Qmi qmi) {

    public Profile {
        Objects.requireNonNull(name);
        services = List.copyOf(services);
    }

    /** The kernel driver of an MBIM control interface. */
    public static final String CDC_MBIM = "cdc_mbim";

    /**
     * The same modem in its MBIM USB composition (Sierra's AT!USBCOMP, the default of most M.2
     * parts): the QMI interface becomes a CDC MBIM control interface (02/0e/00) bound to
     * cdc_mbim; QMI then travels inside MBIM (PROTOCOLS.md 8.2).
     */
    public Profile inMbimComposition() {
        List<UsbInterface> ifaces = new java.util.ArrayList<>();
        for (UsbInterface i : usb.interfaces()) {
            ifaces.add(i.function() == Function.QMI ? new UsbInterface(i.number(), 0x02, 0x0e, 0x00, 1,
                    Function.QMI, CDC_MBIM) : i);
        }
        Usb u = new Usb(usb.vendorId(), usb.productId(), usb.bcdDevice(), usb.manufacturer(), usb.product(),
                usb.serial(), usb.version(), usb.speedMbps(), ifaces);
        return new Profile(name, description + ", MBIM composition", u, identity, services, qmi);
    }

    /** Whether QMI is reached through MBIM (the QMI interface is bound to cdc_mbim). */
    public boolean mbim() {
        return usb.interfaces().stream().anyMatch(i -> i.function() == Function.QMI && CDC_MBIM.equals(i.driver()));
    }

    /** The application-mode USB device as Linux sysfs shows it. */
    public record Usb(int vendorId, int productId, int bcdDevice, String manufacturer, String product,
                      String serial, String version, int speedMbps, List<UsbInterface> interfaces) {
        public Usb {
            interfaces = List.copyOf(interfaces);
        }

        public String vidPid() {
            return String.format("%04x:%04x", vendorId, productId);
        }

        public UsbInterface qmiInterface() {
            return interfaces.stream().filter(i -> i.function() == Function.QMI).findFirst()
                    .orElseThrow(() -> new IllegalStateException("profile has no QMI interface"));
        }
    }

    /** What an interface is for; decides its sysfs children (usbmisc/cdc-wdm or ttyUSB). */
    public enum Function {
        QMI, DM, NMEA, AT,
        /** The only interface of a download-mode personality (Sahara/Firehose/QDL on a qcserial tty). */
        DOWNLOAD,
        /** The data interface of a CDC MBIM function (network packets; USB faces only, no device node). */
        NETWORK_DATA
    }

    /** One USB interface; driver is the kernel driver name (qmi_wwan, qcserial, option). */
    public record UsbInterface(int number, int cls, int subClass, int protocol, int endpoints,
                               Function function, String driver) {
    }

    /** Identity answered over DMS. A null string means the TLV is absent. */
    public record Identity(String manufacturer, String model, String revision, String esn, String imei,
                           String meid, String imeiSv) {
    }

    /** How Set Firmware ID is answered. */
    public enum SetFirmwareIdReply {
        /** Accepted: the modem reboots into boot-and-hold on the next reset (old Sierra parts). */
        ACCEPT,
        /** EM7565 and newer Sierra parts. */
        MISSING_ARGUMENT,
        /** Not a Sierra part: the message does not exist. */
        INVALID_QMI_COMMAND
    }

    /** Stored images of one type (0 modem, 1 PRI); runningIndex is an index into images or 0xFF. */
    public record ImageSlot(int type, int maxImages, int runningIndex, List<ImageId> images) {
        public ImageSlot {
            images = List.copyOf(images);
        }
    }

    /**
     * QMI behaviour. firmwarePreference null = the part has no firmware-preference messages
     * (Get/Set Firmware Preference and List Stored Images answer InvalidQmiCommand);
     * swiFirmware null = no Sierra SWI messages. nulTerminatedStrings: string TLVs end in NUL,
     * as on the MC7455.
     */
    public record Qmi(int clientIdsPerService, SetFirmwareIdReply setFirmwareId, List<ImageId> firmwarePreference,
                      List<ImageSlot> storedImages, SwiGetCurrentFirmware.Response swiFirmware,
                      boolean nulTerminatedStrings) {
        public Qmi {
            firmwarePreference = firmwarePreference == null ? null : List.copyOf(firmwarePreference);
            storedImages = List.copyOf(storedImages);
        }

        public boolean hasFirmwarePreference() {
            return firmwarePreference != null;
        }

        public boolean hasSwiMessages() {
            return swiFirmware != null;
        }
    }
}
