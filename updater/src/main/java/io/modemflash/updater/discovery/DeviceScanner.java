package io.modemflash.updater.discovery;

import io.modemflash.qdl.link.DownloadModeDevices;
import io.modemflash.qdl.link.DownloadModeDevices.BootProtocol;
import io.modemflash.qdl.link.DownloadModeDevices.InterfaceClass;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lists modems from sysfs: every /sys/class/usbmisc/cdc-wdm*, /sys/class/GobiQMI/qcqmi* and
 * /sys/class/tty/* node is followed to its USB interface (driver qmi_wwan, cdc_mbim, GobiNet,
 * qcserial, option) and on to the USB
 * device; download-mode devices without a bound driver are found under /sys/bus/usb/devices.
 * Download mode is what a device is: a known download id, or a single interface that is a boot
 * interface ({@link DownloadModeDevices#bootInterface}) or that qcserial drives (qcserial itself
 * takes a one-interface device for its QDL port, whatever the id).
 * Class links whose target is gone (stale nodes during re-enumeration) are skipped.
 */
public final class DeviceScanner {
    private static final Set<String> QMI_DRIVERS = Set.of("qmi_wwan", "cdc_mbim");
    private static final Set<String> SERIAL_DRIVERS = Set.of("qcserial", "option", "option1");

    private final SystemRoots roots;

    public DeviceScanner(SystemRoots roots) {
        this.roots = roots;
    }

    public SystemRoots roots() {
        return roots;
    }

    /** Every modem found, sorted by port path. */
    public List<Device> scan() {
        Map<Path, Collected> byDevice = new LinkedHashMap<>();
        for (Path link : list(roots.sys().resolve("class/usbmisc"))) {
            String name = link.getFileName().toString();
            if (name.startsWith("cdc-wdm")) {
                interfaceOf(link).ifPresent(i -> {
                    if (QMI_DRIVERS.contains(i.driver)) {
                        collected(byDevice, i.usbDevice).qmiNode = roots.node(name);
                    }
                });
            }
        }
        // the vendor GobiNet driver: /sys/class/GobiQMI/qcqmiN below the QMI interface
        for (Path link : list(roots.sys().resolve("class/GobiQMI"))) {
            String name = link.getFileName().toString();
            interfaceOf(link).ifPresent(i -> collected(byDevice, i.usbDevice).qmiNode = roots.node(name));
        }
        for (Path link : list(roots.sys().resolve("class/tty"))) {
            String name = link.getFileName().toString();
            interfaceOf(link).ifPresent(i -> {
                if (SERIAL_DRIVERS.contains(i.driver)) {
                    collected(byDevice, i.usbDevice).ttys.add(new Device.Tty(name, roots.node(name), i.number, i.driver));
                }
            });
        }
        placeUnplacedGobiNetNodes(byDevice);
        // download-mode devices claimed by nothing (or by libusb) have no class node
        for (Path link : list(roots.sys().resolve("bus/usb/devices"))) {
            try {
                Path dir = link.toRealPath();
                if (Files.isRegularFile(dir.resolve("idVendor")) && !byDevice.containsKey(dir)) {
                    Device d = build(dir, new Collected());
                    if (d != null && d.inDownloadMode()) {
                        byDevice.put(dir, new Collected());
                    }
                }
            } catch (IOException e) {
                // stale link
            }
        }
        List<Device> out = new ArrayList<>();
        for (Map.Entry<Path, Collected> e : byDevice.entrySet()) {
            Device d = build(e.getKey(), e.getValue());
            if (d != null) {
                out.add(d);
            }
        }
        out.sort(Comparator.comparing(Device::port));
        return out;
    }

    /**
     * A /dev/qcqmiN sysfs does not place (a GobiNet build without the GobiQMI class, or a node
     * served through CUSE as on the bench) goes to the one USB device with the VID:PID its driver
     * reports (ioctl 0x8BE2), when exactly one device without a QMI node has it.
     */
    private void placeUnplacedGobiNetNodes(Map<Path, Collected> byDevice) {
        java.util.Set<Path> placed = new java.util.HashSet<>();
        byDevice.values().forEach(c -> {
            if (c.qmiNode != null) {
                placed.add(c.qmiNode);
            }
        });
        for (Path node : list(roots.dev())) {
            String name = node.getFileName().toString();
            if (!name.startsWith("qcqmi") || placed.contains(node)) {
                continue;
            }
            String vidPid;
            try {
                vidPid = io.modemflash.qmi.gobinet.GobiNetTransport.open(node).vidPid();
            } catch (io.modemflash.qmi.QmiException | RuntimeException e) {
                continue; // not a GobiNet node (any more)
            }
            List<Path> candidates = new ArrayList<>();
            for (Path link : list(roots.sys().resolve("bus/usb/devices"))) {
                try {
                    Path dir = link.toRealPath();
                    Collected c = byDevice.get(dir);
                    if (Files.isRegularFile(dir.resolve("idVendor")) && (c == null || c.qmiNode == null)
                            && vidPid.equals(read(dir, "idVendor") + ":" + read(dir, "idProduct"))) {
                        candidates.add(dir);
                    }
                } catch (IOException e) {
                    // stale link
                }
            }
            if (candidates.size() == 1) {
                collected(byDevice, candidates.get(0)).qmiNode = node;
            }
        }
    }

    /** The device on a port path or its peer. */
    public Optional<Device> at(String port) {
        return scan().stream().filter(d -> d.at(port)).findFirst();
    }

    /**
     * The device named by -d: a /dev path (cdc-wdm or tty; a path in /dev also matches the same
     * name under a non-default dev root) or a USB port path.
     */
    /** VID:PID (4 + 4 hex digits, as qmi-firmware-update -d and lsusb -d take them). */
    private static final java.util.regex.Pattern VID_PID = java.util.regex.Pattern.compile(
            "(\\p{XDigit}{4}):(\\p{XDigit}{4})");
    /** BUS:DEV (decimal, as lsusb prints them and qmi-firmware-update -s takes them). */
    private static final java.util.regex.Pattern BUS_DEV = java.util.regex.Pattern.compile("(\\d{1,3}):(\\d{1,3})");

    /** Whether {@code spec} selects devices by USB id (VID:PID) or bus address (BUS:DEV) rather than naming one. */
    public static boolean isUsbSelector(String spec) {
        return VID_PID.matcher(spec).matches() || BUS_DEV.matcher(spec).matches();
    }

    /** The devices a VID:PID or BUS:DEV selector matches, in scan order (none for another kind of spec). */
    public List<Device> select(String spec) {
        java.util.regex.Matcher id = VID_PID.matcher(spec);
        if (id.matches()) {
            int vid = Integer.parseInt(id.group(1), 16);
            int pid = Integer.parseInt(id.group(2), 16);
            return scan().stream().filter(d -> d.vendorId() == vid && d.productId() == pid).toList();
        }
        java.util.regex.Matcher bd = BUS_DEV.matcher(spec);
        if (bd.matches()) {
            int bus = Integer.parseInt(bd.group(1));
            int dev = Integer.parseInt(bd.group(2));
            return scan().stream().filter(d -> d.devnum() == dev && busnum(d) == bus).toList();
        }
        return List.of();
    }

    /** sysfs busnum; else the bus a port path starts with ("2-1.4" is on bus 2), which is how the kernel names it. */
    private static int busnum(Device d) {
        try {
            return Integer.parseInt(Files.readString(d.sysfsDir().resolve("busnum")).strip());
        } catch (IOException | NumberFormatException | NullPointerException e) {
            int dash = d.port().indexOf('-');
            try {
                return dash > 0 ? Integer.parseInt(d.port().substring(0, dash)) : -1;
            } catch (NumberFormatException e2) {
                return -1;
            }
        }
    }

    public Optional<Device> find(String spec) {
        if (isUsbSelector(spec)) {
            List<Device> hits = select(spec);
            return hits.size() == 1 ? Optional.of(hits.get(0)) : Optional.empty();
        }
        List<Device> all = scan();
        if (spec.contains("/")) {
            Path p = Path.of(spec).toAbsolutePath().normalize();
            for (Device d : all) {
                if (p.equals(d.qmiNode()) || d.ttys().stream().anyMatch(t -> p.equals(t.node()))) {
                    return Optional.of(d);
                }
            }
            Path underRoot = p.getFileName() == null ? p : roots.node(p.getFileName().toString());
            if (Path.of("/dev").equals(p.getParent()) && !underRoot.equals(p)) {
                for (Device d : all) {
                    if (underRoot.equals(d.qmiNode()) || d.ttys().stream().anyMatch(t -> underRoot.equals(t.node()))) {
                        return Optional.of(d);
                    }
                }
            }
            return Optional.empty();
        }
        return all.stream().filter(d -> d.at(spec)).findFirst();
    }

    // ------------------------------------------------------------------ sysfs reading

    private static final class Collected {
        Path qmiNode;
        final List<Device.Tty> ttys = new ArrayList<>();
    }

    private record Iface(Path usbDevice, int number, String driver) {
    }

    private static Collected collected(Map<Path, Collected> map, Path dev) {
        return map.computeIfAbsent(dev, k -> new Collected());
    }

    /** Follows a class link up to the USB interface holding it. */
    private Optional<Iface> interfaceOf(Path classLink) {
        try {
            Path p = classLink.toRealPath();
            Path stop = roots.sys().toRealPath();
            while (p != null && p.startsWith(stop) && !p.equals(stop)) {
                if (Files.isRegularFile(p.resolve("bInterfaceNumber"))) {
                    Path dev = p.getParent();
                    if (dev == null || !Files.isRegularFile(dev.resolve("idVendor"))) {
                        return Optional.empty();
                    }
                    int number = Integer.parseInt(read(p, "bInterfaceNumber"), 16);
                    return Optional.of(new Iface(dev, number, linkName(p.resolve("driver"))));
                }
                p = p.getParent();
            }
        } catch (IOException | NumberFormatException e) {
            // stale node (its device went away) or not USB
        }
        return Optional.empty();
    }

    private Device build(Path dir, Collected c) {
        try {
            int vid = Integer.parseInt(read(dir, "idVendor"), 16);
            int pid = Integer.parseInt(read(dir, "idProduct"), 16);
            int devnum = Integer.parseInt(readOr(dir, "devnum", "0"));
            String product = readOr(dir, "product", null);
            List<InterfaceClass> ifaces = interfaces(dir);
            int numIfaces = Integer.parseInt(readOr(dir, "bNumInterfaces", Integer.toString(ifaces.size())));
            boolean download = DownloadModeDevices.known(vid, pid).isPresent()
                    || numIfaces == 1 && (DownloadModeDevices.bootInterface(vid, pid, ifaces).isPresent()
                    || c.ttys.stream().anyMatch(t -> "qcserial".equals(t.driver())));
            if (!download && c.qmiNode == null && c.ttys.isEmpty()) {
                return null;
            }
            // the id is only a hint: an unknown one leaves the protocol to the device's first bytes
            BootProtocol protocol = download ? DownloadModeDevices.protocolHint(vid, pid).orElse(null) : null;
            String serial = DownloadModeDevices.serialFromProduct(product).orElse(readOr(dir, "serial", null));
            c.ttys.sort(Comparator.comparingInt(Device.Tty::interfaceNumber));
            return new Device(dir.getFileName().toString(), peerOf(dir), vid, pid, devnum, numIfaces,
                    download ? Device.Mode.DOWNLOAD : Device.Mode.APPLICATION, protocol, c.qmiNode, c.ttys,
                    serial, product, dir);
        } catch (IOException | NumberFormatException e) {
            return null; // the device went away while we read it
        }
    }

    private static List<InterfaceClass> interfaces(Path dir) throws IOException {
        List<InterfaceClass> out = new ArrayList<>();
        for (Path p : list(dir)) {
            if (Files.isRegularFile(p.resolve("bInterfaceNumber"))) {
                try {
                    out.add(new InterfaceClass(Integer.parseInt(read(p, "bInterfaceNumber"), 16),
                            Integer.parseInt(read(p, "bInterfaceClass"), 16),
                            Integer.parseInt(read(p, "bInterfaceSubClass"), 16),
                            Integer.parseInt(read(p, "bInterfaceProtocol"), 16)));
                } catch (IOException | NumberFormatException e) {
                    // half-gone interface
                }
            }
        }
        out.sort(Comparator.comparingInt(InterfaceClass::number));
        return out;
    }

    /**
     * The USB2/USB3 peer of the device's port: DEV/port is the hub port ("usb2-port1" or
     * "2-1-port4") and port/peer its twin ("usb1-port1" -> "1-1", "1-1-port4" -> "1-1.4").
     */
    static String peerOf(Path deviceDir) {
        try {
            Path peer = deviceDir.resolve("port/peer").toRealPath();
            return portPathOfHubPort(peer.getFileName().toString());
        } catch (IOException e) {
            return null;
        }
    }

    static String portPathOfHubPort(String hubPort) {
        int i = hubPort.lastIndexOf("-port");
        if (i < 0) {
            return null;
        }
        String hub = hubPort.substring(0, i);
        String n = hubPort.substring(i + 5);
        return hub.startsWith("usb") ? hub.substring(3) + "-" + n : hub + "." + n;
    }

    private static String linkName(Path link) {
        try {
            return Files.readSymbolicLink(link).getFileName().toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static String read(Path dir, String attr) throws IOException {
        return Files.readString(dir.resolve(attr), StandardCharsets.UTF_8).trim();
    }

    private static String readOr(Path dir, String attr, String fallback) {
        try {
            return read(dir, attr);
        } catch (IOException e) {
            return fallback;
        }
    }

    private static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(out::add);
        } catch (IOException e) {
            // a directory vanishing under us is a normal event during re-enumeration
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }
}
