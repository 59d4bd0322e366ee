package io.modemflash.emulator;

import io.modemflash.emulator.boot.DownloadMode;
import io.modemflash.emulator.boot.UsbPort;
import io.modemflash.emulator.mbim.MbimFunction;
import io.modemflash.emulator.pty.PtyDeviceLink;
import io.modemflash.emulator.pty.PtyQmiServer;
import io.modemflash.emulator.pty.SharedTree;
import io.modemflash.emulator.pty.SysfsTree;
import io.modemflash.posix.Pty;
import io.modemflash.qdl.link.Link;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The emulated modem published under a directory DIR: DIR/dev/cdc-wdmN (symlink to a raw
 * pty slave served by the QMI engine) and its USB device in DIR/sys (sysfs-shaped). Several
 * modems (in one JVM or in several processes) may share DIR: each owns a port of bus 2 (the
 * first free one unless asked for one) and its cdc-wdm and ttyUSB numbers are the lowest free
 * ones at each enumeration, as the kernel hands them out. The first modem on a DIR is port
 * 2-1 with cdc-wdm0 and ttys from ttyUSB0. {@link #close()} removes this modem's device and
 * nodes, and the whole tree once no modem is left on it.
 *
 * <p>In download mode the application device leaves (its cdc-wdm and sysfs device go), and
 * after a brief gap the download personality appears at the same port path: one interface
 * bound to qcserial with the lowest free ttyUSBn, DIR/dev/ttyUSBn (a symlink to a fresh raw
 * pty) and DIR/sys/class/tty/ttyUSBn. After the boot-side reset the reverse happens. Each
 * enumeration gets a new devnum, as on Linux.
 */
public final class PtyFace implements Closeable, UsbPort {
    static final int BUS = 2;
    /** {@link #publish} port argument: the first free port of the bus. */
    public static final int ANY_PORT = 0;
    private final Path dir;
    private final Path sys;
    private final Path devDir;
    private final int port;
    private final Profile profile;
    private final PtyQmiServer server;
    private volatile SysfsTree.Layout sysfs;
    private boolean applicationAttached = true;
    private volatile SysfsTree.Layout download;
    private Pty downloadPty;
    private int devnum;
    private boolean closed;

    private PtyFace(Path dir, int port, Profile profile, SysfsTree.Layout sysfs, PtyQmiServer server, int devnum) {
        this.dir = dir;
        this.sys = sysfs.sysRoot();
        this.devDir = dir.resolve("dev");
        this.port = port;
        this.profile = profile;
        this.sysfs = sysfs;
        this.server = server;
        this.devnum = devnum;
    }

    /**
     * DIR/dev/ttyUSBn: the download-mode tty. In download mode the one the device has; before
     * that, the one it would get if it enumerated now (its application ttys count as free, as
     * they go first). Another modem enumerating meanwhile can take that number first.
     */
    public Path downloadTty() {
        SysfsTree.Layout dl = download;
        if (dl != null) {
            return devDir.resolve(dl.ttys().keySet().iterator().next());
        }
        return devDir.resolve(SysfsTree.lowestFreeTty(sys, sysfs.deviceDir()));
    }

    /** The sysfs device directory at the port now (application or download personality). */
    public synchronized Path currentDeviceDir() {
        return download != null ? download.deviceDir() : sysfs.deviceDir();
    }

    // ------------------------------------------------------------------ UsbPort (re-enumeration)

    @Override
    public synchronized void detachApplication() throws IOException {
        if (!applicationAttached) {
            return;
        }
        applicationAttached = false;
        Files.deleteIfExists(qmiDevice());
        SysfsTree.removeDevice(sysfs);
    }

    @Override
    public synchronized Link attachDownload(DownloadMode mode) throws IOException {
        checkOpen();
        Profile.Usb usb = new Profile.Usb(mode.vendorId(), mode.productId(), 0x0000, mode.manufacturer(),
                mode.product(), mode.serial(), "2.00", 480,
                List.of(new Profile.UsbInterface(0, 0xff, 0xff, 0xff, 2, Profile.Function.DOWNLOAD, "qcserial")));
        Pty pty = Pty.open();
        try {
            devnum = SysfsTree.nextDevnum(sys, BUS, devnum);
            download = SysfsTree.addDevice(sys, usb, BUS, port, devnum);
            Path node = downloadTty();
            Files.createDirectories(devDir);
            Files.deleteIfExists(node); // left by a modem that died: the number is ours now
            Files.createSymbolicLink(node, pty.slavePath());
        } catch (IOException | RuntimeException e) {
            pty.close();
            throw e;
        }
        downloadPty = pty;
        return new PtyDeviceLink(pty);
    }

    @Override
    public synchronized void detachDownload() throws IOException {
        if (download != null) {
            Files.deleteIfExists(downloadTty());
            SysfsTree.removeDevice(download);
            download = null;
        }
        if (downloadPty != null) {
            downloadPty.close();
            downloadPty = null;
        }
    }

    @Override
    public synchronized void attachApplication() throws IOException {
        checkOpen();
        devnum = SysfsTree.nextDevnum(sys, BUS, devnum);
        sysfs = SysfsTree.addDevice(sys, profile.usb(), BUS, port, devnum);
        applicationAttached = true;
        linkQmiNode();
    }

    private void linkQmiNode() throws IOException {
        Files.createDirectories(devDir);
        Files.deleteIfExists(qmiDevice());
        Files.createSymbolicLink(qmiDevice(), server.slavePath());
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("the pty face of port " + usbPort() + " is closed");
        }
    }

    @Override
    public boolean keepsTransferBoundaries() {
        return false;
    }

    /** The directory everything was published under. */
    public Path dir() {
        return dir;
    }

    /**
     * DIR/dev/cdc-wdmN: what a QMI client opens (a symlink to the pty slave), of the current
     * application-mode enumeration (the last one while in download mode).
     */
    public Path qmiDevice() {
        return devDir.resolve(sysfs.cdcWdm());
    }

    /** /dev/pts/N behind {@link #qmiDevice()}. */
    public Path ptySlave() {
        return server.slavePath();
    }

    /** DIR/sys. */
    public Path sysfsRoot() {
        return sys;
    }

    /** The USB device directory in the tree (…/usb2/2-N). */
    public Path usbDeviceDir() {
        return sysfs.deviceDir();
    }

    /** USB port path, e.g. "2-1". */
    public String usbPort() {
        return BUS + "-" + port;
    }

    /** Serial ports described in sysfs (ttyUSBn and what each is for); no /dev nodes yet. */
    public Map<String, Profile.Function> ttys() {
        return sysfs.ttys();
    }

    /** How many times the last client closed the port after talking to it. */
    public int hangups() {
        return server.hangups();
    }

    /** Set when the pty server died of an unexpected error. */
    public Throwable failure() {
        return server.failure();
    }

    /**
     * Publishes the modem under dir at port 2-{@code port} ({@link #ANY_PORT}: the first free
     * one). Fails with FileAlreadyExistsException when that port is taken.
     */
    static PtyFace publish(Path dir, EmulatedModem modem, int port) throws IOException {
        Path sys = dir.resolve("sys");
        return SharedTree.locked(dir, () -> {
            SharedTree.recoverAbandoned(sys, dir.resolve("dev"));
            int claimed = SharedTree.claimPort(sys, modem.profile().usb(), BUS, port);
            SysfsTree.Layout layout = null;
            PtyQmiServer server = null;
            try {
                int devnum = SysfsTree.nextDevnum(sys, BUS, 0);
                layout = SysfsTree.addDevice(sys, modem.profile().usb(), BUS, claimed, devnum);
                if (layout.qmiInterfaceDir() == null) {
                    throw new IllegalArgumentException("profile " + modem.profile().name() + " has no QMI interface");
                }
                server = modem.profile().mbim()
                        ? new PtyQmiServer(() -> new MbimFunction(modem.qmi(), System.err::println), System.err::println)
                        : new PtyQmiServer(modem.qmi(), System.err::println);
                PtyFace face = new PtyFace(dir, claimed, modem.profile(), layout, server, devnum);
                face.linkQmiNode();
                modem.boot().usePort(face);
                return face;
            } catch (IOException | RuntimeException e) {
                if (server != null) {
                    server.close();
                }
                if (layout != null) {
                    SysfsTree.removeDevice(layout);
                }
                leave(dir, claimed);
                throw e;
            }
        });
    }

    /** Gives the port up; the last modem on the tree removes it (and DIR/dev when left empty). Call locked. */
    private static void leave(Path dir, int port) throws IOException {
        Path sys = dir.resolve("sys");
        SharedTree.releasePort(sys, BUS, port);
        if (SharedTree.anyClaimed(sys)) {
            return;
        }
        SysfsTree.delete(sys);
        Path dev = dir.resolve("dev");
        if (Files.isDirectory(dev)) {
            try (var s = Files.list(dev)) {
                if (s.findAny().isEmpty()) {
                    Files.deleteIfExists(dev);
                }
            }
        }
    }

    /**
     * Stops serving and removes this modem's device, its class links and /dev nodes; the last
     * modem on DIR removes DIR/sys (and DIR/dev when left empty).
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            detachDownload();
            server.close();
            detachApplication();
        } finally {
            SharedTree.locked(dir, () -> {
                leave(dir, port);
                return null;
            });
        }
    }
}
