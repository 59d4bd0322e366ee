package io.modemflash.emulator;

import io.modemflash.emulator.boot.DownloadMode;
import io.modemflash.emulator.boot.UsbPort;
import io.modemflash.emulator.pty.PtyDeviceLink;
import io.modemflash.emulator.pty.PtyQmiServer;
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
 * The emulated modem published under a directory DIR: DIR/dev/cdc-wdm0 (symlink to a raw
 * pty slave served by the QMI engine) and DIR/sys (sysfs-shaped description of the USB
 * device). {@link #close()} stops serving and removes both.
 *
 * <p>In download mode the application device leaves (cdc-wdm0 and its sysfs device go), and
 * after a brief gap the download personality appears at the same port path: one interface
 * bound to qcserial with DIR/dev/ttyUSB0 (a symlink to a fresh raw pty) and
 * DIR/sys/class/tty/ttyUSB0. After the boot-side reset the reverse happens. Each enumeration
 * gets a new devnum, as on Linux.
 */
public final class PtyFace implements Closeable, UsbPort {
    static final int BUS = 2;
    static final int PORT = 1;
    private final Path dir;
    private final Path qmiDevice;
    private final Profile profile;
    private final PtyQmiServer server;
    private volatile SysfsTree.Layout sysfs;
    private SysfsTree.Layout download;
    private Pty downloadPty;
    private int devnum;
    private boolean closed;

    PtyFace(Path dir, Path qmiDevice, Profile profile, SysfsTree.Layout sysfs, PtyQmiServer server, int devnum) {
        this.dir = dir;
        this.qmiDevice = qmiDevice;
        this.profile = profile;
        this.sysfs = sysfs;
        this.server = server;
        this.devnum = devnum;
    }

    /** DIR/dev/ttyUSB0: the download-mode tty (exists only in download mode). */
    public Path downloadTty() {
        return dir.resolve("dev/ttyUSB0");
    }

    /** The sysfs device directory at the port now (application or download personality). */
    public synchronized Path currentDeviceDir() {
        return download != null ? download.deviceDir() : sysfs.deviceDir();
    }

    // ------------------------------------------------------------------ UsbPort (re-enumeration)

    @Override
    public synchronized void detachApplication() throws IOException {
        Files.deleteIfExists(qmiDevice);
        SysfsTree.removeDevice(sysfs);
    }

    @Override
    public synchronized Link attachDownload(DownloadMode mode) throws IOException {
        if (closed) {
            throw new IOException("the pty face is closed");
        }
        Profile.Usb usb = new Profile.Usb(mode.vendorId(), mode.productId(), 0x0000, mode.manufacturer(),
                mode.product(), mode.serial(), "2.00", 480,
                List.of(new Profile.UsbInterface(0, 0xff, 0xff, 0xff, 2, Profile.Function.DOWNLOAD, "qcserial")));
        Pty pty = Pty.open();
        try {
            download = SysfsTree.addDevice(sysfs.sysRoot(), usb, BUS, PORT, ++devnum);
            Files.deleteIfExists(downloadTty());
            Files.createSymbolicLink(downloadTty(), pty.slavePath());
        } catch (IOException | RuntimeException e) {
            pty.close();
            throw e;
        }
        downloadPty = pty;
        return new PtyDeviceLink(pty);
    }

    @Override
    public synchronized void detachDownload() throws IOException {
        Files.deleteIfExists(downloadTty());
        if (download != null) {
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
        sysfs = SysfsTree.addDevice(sysfs.sysRoot(), profile.usb(), BUS, PORT, ++devnum);
        Files.deleteIfExists(qmiDevice);
        Files.createSymbolicLink(qmiDevice, server.slavePath());
    }

    @Override
    public boolean keepsTransferBoundaries() {
        return false;
    }

    /** The directory everything was published under. */
    public Path dir() {
        return dir;
    }

    /** DIR/dev/cdc-wdm0: what a QMI client opens (a symlink to the pty slave). */
    public Path qmiDevice() {
        return qmiDevice;
    }

    /** /dev/pts/N behind {@link #qmiDevice()}. */
    public Path ptySlave() {
        return server.slavePath();
    }

    /** DIR/sys. */
    public Path sysfsRoot() {
        return sysfs.sysRoot();
    }

    /** The USB device directory in the tree (…/usb2/2-1). */
    public Path usbDeviceDir() {
        return sysfs.deviceDir();
    }

    /** USB port path, e.g. "2-1". */
    public String usbPort() {
        return sysfs.usbPort();
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

    static PtyFace publish(Path dir, EmulatedModem modem) throws IOException {
        Path devDir = dir.resolve("dev");
        Files.createDirectories(devDir);
        SysfsTree.Layout layout = SysfsTree.create(dir, modem.profile(), BUS, PORT, 3);
        Path node = devDir.resolve(layout.cdcWdm());
        PtyQmiServer server = null;
        try {
            server = new PtyQmiServer(modem.qmi(), System.err::println);
            Files.createSymbolicLink(node, server.slavePath());
            PtyFace face = new PtyFace(dir, node, modem.profile(), layout, server, 3);
            modem.boot().usePort(face);
            return face;
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            SysfsTree.delete(layout.sysRoot());
            throw e;
        }
    }

    /** Stops serving and removes DIR/dev/cdc-wdm0 and DIR/sys (DIR/dev too when left empty). */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        detachDownload();
        server.close();
        Files.deleteIfExists(qmiDevice);
        try (var s = Files.list(qmiDevice.getParent())) {
            if (s.findAny().isEmpty()) {
                Files.deleteIfExists(qmiDevice.getParent());
            }
        }
        SysfsTree.delete(sysfs.sysRoot());
    }
}
