package io.modemflash.emulator.pty;

import io.modemflash.emulator.Profile.Function;
import io.modemflash.emulator.Profile.Usb;
import io.modemflash.emulator.Profile.UsbInterface;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sysfs-shaped tree describing the emulated USB modem the way Linux does: the USB device
 * under a PCI xHCI controller, one directory per interface with its kernel driver link,
 * usbmisc/cdc-wdmN below the QMI interface, ttyUSBn below the serial interfaces, the class
 * links (/sys/class/usbmisc, /sys/class/tty) and the USB2/USB3 port peer links. Symlinks
 * are relative, as in sysfs, so the tree is self-contained.
 */
public final class SysfsTree {
    /** The xHCI controller the device hangs off, as on most Intel machines. */
    static final String CONTROLLER = "devices/pci0000:00/0000:00:14.0";

    /** Where things are, for the caller's ready line and for tests. */
    public record Layout(Path sysRoot, Path deviceDir, Path qmiInterfaceDir, String usbPort, String cdcWdm,
                         Map<String, Function> ttys) {
    }

    private SysfsTree() {
    }

    /**
     * Creates what stays while devices come and go, for a device at bus-port: driver and class
     * directories, the root hub of the bus and of its USB2/USB3 peer bus, the hub port
     * directories and their peer links. Idempotent: what exists (from an earlier modem on the
     * same tree) is kept as it is.
     */
    public static void ensurePort(Path sys, Usb usb, int bus, int port) throws IOException {
        Path ctl = sys.resolve(CONTROLLER);
        int peerBus = peerBus(bus);
        for (String d : List.of("qmi_wwan", "cdc_mbim", "qcserial", "option", "usb", "hub")) {
            Files.createDirectories(sys.resolve("bus/usb/drivers/" + d));
        }
        for (String d : List.of("qcserial", "option1")) {
            Files.createDirectories(sys.resolve("bus/usb-serial/drivers/" + d));
        }
        Files.createDirectories(sys.resolve("class/usbmisc"));
        Files.createDirectories(sys.resolve("class/tty"));

        // root hubs: the first device decides which bus is SuperSpeed; later ones keep it
        boolean superSpeed = usb.speedMbps() >= 5000;
        rootHub(sys, ctl.resolve("usb" + bus), bus, superSpeed ? "0003" : "0002", superSpeed ? "5000" : "480");
        rootHub(sys, ctl.resolve("usb" + peerBus), peerBus, superSpeed ? "0002" : "0003", superSpeed ? "480" : "5000");
        Path hubPort = hubPort(sys, bus, port);
        Path peerPort = hubPort(sys, peerBus, port);
        Files.createDirectories(hubPort);
        Files.createDirectories(peerPort);
        linkIfAbsent(hubPort.resolve("peer"), peerPort);
        linkIfAbsent(peerPort.resolve("peer"), hubPort);
    }

    /** The hub port directory of bus-port on the root hub (…/usb2/2-0:1.0/usb2-port1). */
    public static Path hubPort(Path sys, int bus, int port) {
        return sys.resolve(CONTROLLER).resolve("usb" + bus + "/" + bus + "-0:1.0/usb" + bus + "-port" + port);
    }

    private static int peerBus(int bus) {
        return bus == 1 ? 2 : 1;
    }

    /**
     * The device number for the next enumeration on the bus: above every device now on it and
     * above {@code previous} (a device re-enumerating never gets its old number back).
     */
    public static int nextDevnum(Path sys, int bus, int previous) throws IOException {
        int max = Math.max(previous, 2); // 1 is the root hub
        Path hub = sys.resolve(CONTROLLER).resolve("usb" + bus);
        if (Files.isDirectory(hub)) {
            try (var s = Files.list(hub)) {
                for (Path d : (Iterable<Path>) s::iterator) {
                    max = Math.max(max, devnumOf(d));
                }
            }
        }
        return max + 1;
    }

    private static int devnumOf(Path deviceDir) {
        try {
            return Integer.parseInt(Files.readString(deviceDir.resolve("devnum")).strip());
        } catch (IOException | NumberFormatException e) {
            return 0; // not a device (hub port dirs, attributes) or one going away
        }
    }

    /**
     * Adds a USB device at port bus-port (what the kernel creates on enumeration): the device
     * directory, its interfaces with driver links, cdc-wdm and ttyUSB nodes with their class
     * links. qmiInterfaceDir and cdcWdm of the layout are null when it has no QMI interface.
     */
    public static Layout addDevice(Path sys, Usb usb, int bus, int port, int devnum) throws IOException {
        String portName = bus + "-" + port;
        Path hub = sys.resolve(CONTROLLER).resolve("usb" + bus);
        Path hubPort = hubPort(sys, bus, port);
        Path dev = hub.resolve(portName);
        Files.createDirectories(dev);
        Map<String, String> a = new LinkedHashMap<>();
        a.put("idVendor", hex4(usb.vendorId()));
        a.put("idProduct", hex4(usb.productId()));
        a.put("bcdDevice", hex4(usb.bcdDevice()));
        a.put("manufacturer", usb.manufacturer());
        a.put("product", usb.product());
        if (usb.serial() != null) {
            a.put("serial", usb.serial()); // EDL's descriptor has iSerialNumber 0: no attribute
        }
        a.put("busnum", Integer.toString(bus));
        a.put("devnum", Integer.toString(devnum));
        a.put("devpath", Integer.toString(port));
        a.put("speed", Integer.toString(usb.speedMbps()));
        a.put("version", String.format("%5s", usb.version()));
        a.put("bNumInterfaces", String.format("%2d", usb.interfaces().size()));
        a.put("bConfigurationValue", "1");
        a.put("bNumConfigurations", "1");
        a.put("bDeviceClass", "00");
        a.put("bDeviceSubClass", "00");
        a.put("bDeviceProtocol", "00");
        a.put("bMaxPacketSize0", usb.speedMbps() >= 5000 ? "9" : "64");
        a.put("bmAttributes", "a0");
        a.put("maxchild", "0");
        a.put("authorized", "1");
        a.put("removable", "unknown");
        a.put("uevent", String.format("MAJOR=189%nMINOR=%d%nDEVNAME=bus/usb/%03d/%03d%nDEVTYPE=usb_device%nDRIVER=usb%n"
                        + "PRODUCT=%x/%x/%x%nTYPE=0/0/0%nBUSNUM=%03d%nDEVNUM=%03d",
                (bus - 1) * 128 + devnum - 1, bus, devnum, usb.vendorId(), usb.productId(), usb.bcdDevice(), bus, devnum));
        write(dev, a);
        link(dev.resolve("driver"), sys.resolve("bus/usb/drivers/usb"));
        link(dev.resolve("subsystem"), sys.resolve("bus/usb"));
        link(dev.resolve("port"), hubPort);

        Path qmiDir = null;
        String cdcWdm = null;
        Map<String, Function> ttys = new LinkedHashMap<>();
        for (UsbInterface i : usb.interfaces()) {
            Path ifd = addInterface(sys, usb, dev, portName, i);
            if (i.function() == Function.QMI) {
                String node = addCdcWdm(sys, ifd);
                if (qmiDir == null) {
                    qmiDir = ifd;
                    cdcWdm = node;
                }
            } else {
                ttys.put(addTty(sys, ifd, serialDriver(i.driver())), i.function());
            }
        }
        return new Layout(sys, dev, qmiDir, portName, cdcWdm, ttys);
    }

    private static Path addInterface(Path sys, Usb usb, Path dev, String portName, UsbInterface i) throws IOException {
        Path ifd = dev.resolve(portName + ":1." + i.number());
        Files.createDirectories(ifd);
        Map<String, String> ia = new LinkedHashMap<>();
        ia.put("bInterfaceNumber", String.format("%02x", i.number()));
        ia.put("bInterfaceClass", String.format("%02x", i.cls()));
        ia.put("bInterfaceSubClass", String.format("%02x", i.subClass()));
        ia.put("bInterfaceProtocol", String.format("%02x", i.protocol()));
        ia.put("bAlternateSetting", " 0");
        ia.put("bNumEndpoints", String.format("%02x", i.endpoints()));
        ia.put("authorized", "1");
        ia.put("supports_autosuspend", "1");
        String modalias = String.format("usb:v%04Xp%04Xd%04Xdc00dsc00dp00ic%02Xisc%02Xip%02Xin%02X",
                usb.vendorId(), usb.productId(), usb.bcdDevice(), i.cls(), i.subClass(), i.protocol(), i.number());
        ia.put("modalias", modalias);
        ia.put("uevent", String.format("DEVTYPE=usb_interface%nDRIVER=%s%nPRODUCT=%x/%x/%x%nTYPE=0/0/0%n"
                        + "INTERFACE=%d/%d/%d%nMODALIAS=%s", i.driver(), usb.vendorId(), usb.productId(),
                usb.bcdDevice(), i.cls(), i.subClass(), i.protocol(), modalias));
        write(ifd, ia);
        link(ifd.resolve("driver"), sys.resolve("bus/usb/drivers/" + i.driver()));
        link(ifd.resolve("subsystem"), sys.resolve("bus/usb"));
        return ifd;
    }

    /** IFACE/usbmisc/cdc-wdmN with the lowest N free in the whole tree, as cdc-wdm allocates minors. */
    private static String addCdcWdm(Path sys, Path ifd) throws IOException {
        for (int n = 0; ; n++) {
            String node = "cdc-wdm" + n;
            Path classLink = sys.resolve("class/usbmisc/" + node);
            if (Files.exists(classLink, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Path nd = ifd.resolve("usbmisc/" + node);
            Files.createDirectories(nd);
            int minor = 176 + n;
            write(nd, Map.of("dev", "180:" + minor,
                    "uevent", String.format("MAJOR=180%nMINOR=%d%nDEVNAME=%s", minor, node)));
            link(nd.resolve("device"), ifd);
            link(nd.resolve("subsystem"), sys.resolve("class/usbmisc"));
            if (claim(classLink, nd)) {
                return node;
            }
            delete(nd); // another modem (thread or process) took N between our check and the link
        }
    }

    /** IFACE/ttyUSBn/tty/ttyUSBn with the lowest n free in the whole tree, as usb-serial allocates minors. */
    private static String addTty(Path sys, Path ifd, String serialDriver) throws IOException {
        for (int n = 0; ; n++) {
            String node = "ttyUSB" + n;
            Path classLink = sys.resolve("class/tty/" + node);
            if (Files.exists(classLink, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Path portDev = ifd.resolve(node);
            Path nd = portDev.resolve("tty/" + node);
            Files.createDirectories(nd);
            write(portDev, Map.of("port_number", "0", "uevent", "DRIVER=" + serialDriver));
            link(portDev.resolve("driver"), sys.resolve("bus/usb-serial/drivers/" + serialDriver));
            link(portDev.resolve("subsystem"), sys.resolve("bus/usb-serial"));
            write(nd, Map.of("dev", "188:" + n, "uevent", String.format("MAJOR=188%nMINOR=%d%nDEVNAME=%s", n, node)));
            link(nd.resolve("device"), portDev);
            link(nd.resolve("subsystem"), sys.resolve("class/tty"));
            if (claim(classLink, nd)) {
                return node;
            }
            delete(portDev);
        }
    }

    /**
     * Takes a kernel name by creating its class link: creating a symlink is atomic, so of two
     * modems (threads or processes) picking the same number only one gets it. The node is
     * complete before its link appears, so a live class link never dangles.
     */
    private static boolean claim(Path classLink, Path node) throws IOException {
        try {
            Files.createSymbolicLink(classLink, classLink.getParent().relativize(node));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /**
     * The name a new tty would get now: the lowest ttyUSBn whose class link is absent or leads
     * into {@code leaving} (the device directory of a device about to go). A forecast: another
     * modem may take it first.
     */
    public static String lowestFreeTty(Path sys, Path leaving) {
        for (int n = 0; ; n++) {
            String node = "ttyUSB" + n;
            Path link = sys.resolve("class/tty/" + node);
            // checked again after leadsInto: a link removed meanwhile (the device leaving) is free too
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS) || leadsInto(link, leaving)
                    || !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                return node;
            }
        }
    }

    /** Whether a symlink's target lies under {@code dir} (without following links beyond it). */
    static boolean leadsInto(Path link, Path dir) {
        try {
            return link.getParent().resolve(Files.readSymbolicLink(link)).normalize().startsWith(dir.normalize());
        } catch (IOException e) {
            return false; // gone meanwhile, or not a link
        }
    }

    /** Removes a device added by {@link #addDevice} (or {@link #create}): its class links, then its directory. */
    public static void removeDevice(Layout l) throws IOException {
        if (l.cdcWdm() != null) {
            Files.deleteIfExists(l.sysRoot().resolve("class/usbmisc/" + l.cdcWdm()));
        }
        for (String tty : l.ttys().keySet()) {
            Files.deleteIfExists(l.sysRoot().resolve("class/tty/" + tty));
        }
        delete(l.deviceDir());
    }

    /** usb-serial names the option driver "option1". */
    private static String serialDriver(String usbDriver) {
        return usbDriver.equals("option") ? "option1" : usbDriver;
    }

    private static void rootHub(Path sys, Path hub, int bus, String product, String speed) throws IOException {
        if (Files.exists(hub.resolve("idVendor"))) {
            return; // made for an earlier device on this tree
        }
        Files.createDirectories(hub);
        Map<String, String> a = new LinkedHashMap<>();
        a.put("idVendor", "1d6b");
        a.put("idProduct", product);
        a.put("busnum", Integer.toString(bus));
        a.put("devnum", "1");
        a.put("devpath", "0");
        a.put("speed", speed);
        a.put("bDeviceClass", "09");
        a.put("product", "xHCI Host Controller");
        a.put("manufacturer", "Linux xhci-hcd");
        a.put("serial", "0000:00:14.0");
        write(hub, a);
        link(hub.resolve("driver"), sys.resolve("bus/usb/drivers/usb"));
        link(hub.resolve("subsystem"), sys.resolve("bus/usb"));
    }

    private static String hex4(int v) {
        return String.format("%04x", v);
    }

    private static void write(Path dir, Map<String, String> attrs) throws IOException {
        for (Map.Entry<String, String> e : attrs.entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue() + "\n", StandardCharsets.UTF_8);
        }
    }

    private static void linkIfAbsent(Path at, Path target) throws IOException {
        if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
            link(at, target);
        }
    }

    private static void link(Path at, Path target) throws IOException {
        Files.createDirectories(at.getParent());
        Files.createSymbolicLink(at, at.getParent().relativize(target));
    }

    /** Deletes a tree without following symlinks out of it. */
    public static void delete(Path root) throws IOException {
        io.modemflash.images.archive.FileTrees.delete(root);
    }
}
