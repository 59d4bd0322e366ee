package io.modemflash.emulator.pty;

import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profile.Function;
import io.modemflash.emulator.Profile.Usb;
import io.modemflash.emulator.Profile.UsbInterface;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
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
     * Creates DIR/sys for the profile's device on bus {@code bus}, port {@code port} (e.g. 2 and
     * 1 give "2-1"). Fails when DIR/sys already exists.
     */
    public static Layout create(Path dir, Profile profile, int bus, int port, int devnum) throws IOException {
        Path sys = dir.resolve("sys");
        if (Files.exists(sys, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(sys.toString(), null, "already exists (another emulator on this directory?)");
        }
        Usb usb = profile.usb();
        String portName = bus + "-" + port;
        skeleton(sys, usb, bus, port);
        Layout l = addDevice(sys, usb, bus, port, devnum);
        if (l.qmiInterfaceDir() == null) {
            throw new IllegalArgumentException("profile " + profile.name() + " has no QMI interface");
        }
        return l;
    }

    /** Buses, root hubs, port peers, driver and class directories: what stays while devices come and go. */
    private static void skeleton(Path sys, Usb usb, int bus, int port) throws IOException {
        Path ctl = sys.resolve(CONTROLLER);
        Path hub = ctl.resolve("usb" + bus);
        Path peerHub = ctl.resolve("usb" + (bus == 1 ? 2 : 1));
        int peerBus = bus == 1 ? 2 : 1;

        for (String d : List.of("qmi_wwan", "qcserial", "option", "usb", "hub")) {
            Files.createDirectories(sys.resolve("bus/usb/drivers/" + d));
        }
        for (String d : List.of("qcserial", "option1")) {
            Files.createDirectories(sys.resolve("bus/usb-serial/drivers/" + d));
        }
        Files.createDirectories(sys.resolve("class/usbmisc"));
        Files.createDirectories(sys.resolve("class/tty"));

        // root hubs: bus with a SuperSpeed hub and its High-Speed peer
        rootHub(sys, hub, bus, usb.speedMbps() >= 5000 ? "0003" : "0002", usb.speedMbps() >= 5000 ? "5000" : "480");
        rootHub(sys, peerHub, peerBus, usb.speedMbps() >= 5000 ? "0002" : "0003", usb.speedMbps() >= 5000 ? "480" : "5000");
        Path hubPort = hub.resolve(bus + "-0:1.0/usb" + bus + "-port" + port);
        Path peerPort = peerHub.resolve(peerBus + "-0:1.0/usb" + peerBus + "-port" + port);
        Files.createDirectories(hubPort);
        Files.createDirectories(peerPort);
        link(hubPort.resolve("peer"), peerPort);
        link(peerPort.resolve("peer"), hubPort);
    }

    /**
     * Adds a USB device at port bus-port (what the kernel creates on enumeration): the device
     * directory, its interfaces with driver links, cdc-wdm and ttyUSB nodes with their class
     * links. qmiInterfaceDir and cdcWdm of the layout are null when it has no QMI interface.
     */
    public static Layout addDevice(Path sys, Usb usb, int bus, int port, int devnum) throws IOException {
        String portName = bus + "-" + port;
        Path hub = sys.resolve(CONTROLLER).resolve("usb" + bus);
        Path hubPort = hub.resolve(bus + "-0:1.0/usb" + bus + "-port" + port);
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
        int wdm = 0;
        int tty = 0;
        for (UsbInterface i : usb.interfaces()) {
            String name = portName + ":1." + i.number();
            Path ifd = dev.resolve(name);
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
            if (i.function() == Function.QMI) {
                String node = "cdc-wdm" + wdm;
                int minor = 176 + wdm++;
                Path nd = ifd.resolve("usbmisc/" + node);
                Files.createDirectories(nd);
                write(nd, Map.of("dev", "180:" + minor,
                        "uevent", String.format("MAJOR=180%nMINOR=%d%nDEVNAME=%s", minor, node)));
                link(nd.resolve("device"), ifd);
                link(nd.resolve("subsystem"), sys.resolve("class/usbmisc"));
                link(sys.resolve("class/usbmisc/" + node), nd);
                if (qmiDir == null) {
                    qmiDir = ifd;
                    cdcWdm = node;
                }
            } else {
                String node = "ttyUSB" + tty;
                int minor = tty++;
                Path portDev = ifd.resolve(node);
                Path nd = portDev.resolve("tty/" + node);
                Files.createDirectories(nd);
                write(portDev, Map.of("port_number", "0", "uevent", "DRIVER=" + serialDriver(i.driver())));
                link(portDev.resolve("driver"), sys.resolve("bus/usb-serial/drivers/" + serialDriver(i.driver())));
                link(portDev.resolve("subsystem"), sys.resolve("bus/usb-serial"));
                write(nd, Map.of("dev", "188:" + minor,
                        "uevent", String.format("MAJOR=188%nMINOR=%d%nDEVNAME=%s", minor, node)));
                link(nd.resolve("device"), portDev);
                link(nd.resolve("subsystem"), sys.resolve("class/tty"));
                link(sys.resolve("class/tty/" + node), nd);
                ttys.put(node, i.function());
            }
        }
        return new Layout(sys, dev, qmiDir, portName, cdcWdm, ttys);
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

    private static void link(Path at, Path target) throws IOException {
        Files.createDirectories(at.getParent());
        Files.createSymbolicLink(at, at.getParent().relativize(target));
    }

    /** Deletes a tree without following symlinks out of it. */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
