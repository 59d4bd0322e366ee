package io.modemflash.updater.discovery;

import io.modemflash.qdl.link.DownloadModeDevices.BootProtocol;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One USB modem as sysfs describes it.
 *
 * @param port         USB port path ("2-1.4"): the only link between the two personalities
 * @param peerPort     the USB2/USB3 peer of that port, or null
 * @param devnum       USB device number: changes at every enumeration, so it tells a re-enumerated device apart
 * @param protocol     the boot protocol in download mode as the id suggests it; null in application mode, and
 *                     in download mode when the id says nothing (the device's first bytes tell)
 * @param qmiNode      /dev/cdc-wdmN of the QMI interface, or null
 * @param ttys         serial ports, by interface number
 * @param serial       USB serial number, or for a 9008 the chip serial after "_SN:" in its product string
 */
public record Device(String port, String peerPort, int vendorId, int productId, int devnum, int numInterfaces,
                     Mode mode, BootProtocol protocol, Path qmiNode, List<Tty> ttys, String serial, String product,
                     Path sysfsDir) {

    public enum Mode {
        APPLICATION("application"), DOWNLOAD("download");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A serial port of the modem: /dev node, interface number, kernel driver. */
    public record Tty(String name, Path node, int interfaceNumber, String driver) {
    }

    public Device {
        ttys = List.copyOf(ttys);
    }

    public String vidPid() {
        return String.format("%04x:%04x", vendorId, productId);
    }

    public boolean inDownloadMode() {
        return mode == Mode.DOWNLOAD;
    }

    /** The USB bus number: the kernel names a device's port after its bus ("3-1.4" is on bus 3). */
    public int bus() {
        int dash = port.indexOf('-');
        return Integer.parseInt(dash < 0 ? port.replaceFirst("^usb", "") : port.substring(0, dash));
    }

    /** The usbfs node libusb opens for this device: DEV/bus/usb/BBB/DDD. */
    public Path usbNode(SystemRoots roots) {
        return roots.dev().resolve(String.format("bus/usb/%03d/%03d", bus(), devnum));
    }

    /** Same enumeration of the same device (a re-enumeration changes devnum or identity). */
    public boolean sameEnumeration(Device other) {
        return other != null && port.equals(other.port) && vendorId == other.vendorId
                && productId == other.productId && devnum == other.devnum;
    }

    /** Whether this device sits on the port (or its peer). */
    public boolean at(String portPath) {
        return port.equals(portPath) || portPath.equals(peerPort);
    }

    /** The download-mode tty (the only serial port in download mode), or null. */
    public Tty downloadTty() {
        return inDownloadMode() && !ttys.isEmpty() ? ttys.get(0) : null;
    }

    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("port", port);
        if (peerPort != null) {
            m.put("peer_port", peerPort);
        }
        m.put("usb_id", vidPid());
        m.put("mode", mode.label());
        if (protocol != null) {
            m.put("protocol", protocol.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
        if (qmiNode != null) {
            m.put("qmi", qmiNode.toString());
        }
        Map<String, String> t = new LinkedHashMap<>();
        for (Tty tty : ttys) {
            t.put(tty.node().toString(), "interface " + tty.interfaceNumber() + " (" + tty.driver() + ")");
        }
        m.put("ttys", t);
        if (serial != null) {
            m.put("serial", serial);
        }
        if (product != null) {
            m.put("product", product);
        }
        return m;
    }
}
