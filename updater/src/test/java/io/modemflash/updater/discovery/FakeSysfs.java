package io.modemflash.updater.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A hand-built sysfs tree shaped like the kernel's (absolute layout under ROOT/sys, relative links). */
public final class FakeSysfs {
    public final Path root;
    public final Path sys;
    public final Path dev;
    private final Path controller;

    public FakeSysfs(Path root) throws IOException {
        this.root = root;
        this.sys = root.resolve("sys");
        this.dev = root.resolve("dev");
        this.controller = sys.resolve("devices/pci0000:00/0000:00:14.0");
        for (String d : new String[] {"class/usbmisc", "class/tty", "bus/usb/devices", "bus/usb/drivers/qmi_wwan",
                "bus/usb/drivers/qcserial", "bus/usb/drivers/option", "bus/usb/drivers/usbfs"}) {
            Files.createDirectories(sys.resolve(d));
        }
        Files.createDirectories(dev);
    }

    public SystemRoots roots() {
        return SystemRoots.of(root, root);
    }

    /** A USB device at port ("3-1.4": bus 3, hub 3-1 port 4), with the hub port dir and link. */
    public synchronized Path device(String port, int vid, int pid, int devnum, int interfaces, String product,
                                    String serial)
            throws IOException {
        Path d = deviceDir(port);
        Files.createDirectories(d);
        write(d, "idVendor", String.format("%04x", vid));
        write(d, "idProduct", String.format("%04x", pid));
        write(d, "devnum", Integer.toString(devnum));
        write(d, "bNumInterfaces", String.format("%2d", interfaces));
        if (product != null) {
            write(d, "product", product);
        }
        if (serial != null) {
            write(d, "serial", serial);
        }
        Path hubPort = hubPort(port);
        Files.createDirectories(hubPort);
        Files.deleteIfExists(d.resolve("port"));
        link(d.resolve("port"), hubPort);
        Path busLink = sys.resolve("bus/usb/devices/" + port);
        Files.deleteIfExists(busLink);
        link(busLink, d);
        return d;
    }

    /** Links the two hub ports as USB2/USB3 peers. */
    public synchronized void peers(String port, String peerPort) throws IOException {
        Path a = hubPort(port);
        Path b = hubPort(peerPort);
        Files.createDirectories(a);
        Files.createDirectories(b);
        link(a.resolve("peer"), b);
        link(b.resolve("peer"), a);
    }

    public synchronized Path iface(Path device, int number, int cls, int sub, int proto, String driver)
            throws IOException {
        Path i = device.resolve(device.getFileName() + ":1." + number);
        Files.createDirectories(i);
        write(i, "bInterfaceNumber", String.format("%02x", number));
        write(i, "bInterfaceClass", String.format("%02x", cls));
        write(i, "bInterfaceSubClass", String.format("%02x", sub));
        write(i, "bInterfaceProtocol", String.format("%02x", proto));
        if (driver != null) {
            link(i.resolve("driver"), sys.resolve("bus/usb/drivers/" + driver));
        }
        return i;
    }

    public synchronized void cdcWdm(Path iface, String name, boolean node) throws IOException {
        Path n = iface.resolve("usbmisc/" + name);
        Files.createDirectories(n);
        write(n, "dev", "180:0");
        link(sys.resolve("class/usbmisc/" + name), n);
        if (node) {
            Files.createFile(dev.resolve(name));
        }
    }

    /** The vendor GobiNet driver's node: IFACE/GobiQMI/qcqmiN and /sys/class/GobiQMI/qcqmiN. */
    public synchronized void gobiQmi(Path iface, String name) throws IOException {
        Path n = iface.resolve("GobiQMI/" + name);
        Files.createDirectories(n);
        write(n, "dev", "250:0");
        link(sys.resolve("class/GobiQMI/" + name), n);
        Files.createFile(dev.resolve(name));
    }

    public synchronized void tty(Path iface, String name, boolean node) throws IOException {
        Path n = iface.resolve(name + "/tty/" + name);
        Files.createDirectories(n);
        write(n, "dev", "188:0");
        link(sys.resolve("class/tty/" + name), n);
        if (node) {
            Files.createFile(dev.resolve(name));
        }
    }

    /** A tty that is no USB port (ttyS0). */
    void platformTty(String name) throws IOException {
        Path n = sys.resolve("devices/platform/serial8250/tty/" + name);
        Files.createDirectories(n);
        link(sys.resolve("class/tty/" + name), n);
    }

    /** Removes the device dir only: its class links and /dev nodes stay behind (stale). */
    synchronized void unplugLeavingStaleLinks(String port) throws IOException {
        delete(deviceDir(port));
    }

    /** Removes the device, its class links, bus link and /dev nodes (what the kernel and udev do). */
    public synchronized void unplug(String port) throws IOException {
        Path d = deviceDir(port);
        for (String cls : new String[] {"class/usbmisc", "class/tty"}) {
            try (Stream<Path> s = Files.list(sys.resolve(cls))) {
                for (Path l : s.toList()) {
                    Path target;
                    try {
                        target = l.toRealPath();
                    } catch (IOException e) {
                        continue; // another device's link, already dangling
                    }
                    if (target.startsWith(d.toRealPath())) {
                        Files.delete(l);
                        Files.deleteIfExists(dev.resolve(l.getFileName().toString()));
                    }
                }
            }
        }
        Files.deleteIfExists(sys.resolve("bus/usb/devices/" + port));
        delete(d);
    }

    public Path deviceDir(String port) {
        int dash = port.indexOf('-');
        String bus = port.substring(0, dash);
        Path p = controller.resolve("usb" + bus);
        String[] chain = port.substring(dash + 1).split("\\.");
        String name = bus + "-" + chain[0];
        p = p.resolve(name);
        for (int i = 1; i < chain.length; i++) {
            name = name + "." + chain[i];
            p = p.resolve(name);
        }
        return p;
    }

    private Path hubPort(String port) {
        int dot = port.lastIndexOf('.');
        if (dot < 0) {
            String bus = port.substring(0, port.indexOf('-'));
            String n = port.substring(port.indexOf('-') + 1);
            return controller.resolve("usb" + bus + "/" + bus + "-0:1.0/usb" + bus + "-port" + n);
        }
        String hub = port.substring(0, dot);
        return deviceDir(hub).resolve(hub + ":1.0/" + hub + "-port" + port.substring(dot + 1));
    }

    private static void write(Path dir, String name, String value) throws IOException {
        Files.writeString(dir.resolve(name), value + "\n");
    }

    private static void link(Path at, Path target) throws IOException {
        Files.createDirectories(at.getParent());
        Files.createSymbolicLink(at, at.getParent().relativize(target));
    }

    static void delete(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
