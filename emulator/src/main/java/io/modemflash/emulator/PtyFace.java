package io.modemflash.emulator;

import io.modemflash.emulator.pty.PtyQmiServer;
import io.modemflash.emulator.pty.SysfsTree;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The emulated modem published under a directory DIR: DIR/dev/cdc-wdm0 (symlink to a raw
 * pty slave served by the QMI engine) and DIR/sys (sysfs-shaped description of the USB
 * device). {@link #close()} stops serving and removes both.
 */
public final class PtyFace implements Closeable {
    private final Path dir;
    private final Path qmiDevice;
    private final SysfsTree.Layout sysfs;
    private final PtyQmiServer server;
    private boolean closed;

    PtyFace(Path dir, Path qmiDevice, SysfsTree.Layout sysfs, PtyQmiServer server) {
        this.dir = dir;
        this.qmiDevice = qmiDevice;
        this.sysfs = sysfs;
        this.server = server;
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
        SysfsTree.Layout layout = SysfsTree.create(dir, modem.profile(), 2, 1, 3);
        Path node = devDir.resolve(layout.cdcWdm());
        PtyQmiServer server = null;
        try {
            server = new PtyQmiServer(modem.qmi(), System.err::println);
            Files.createSymbolicLink(node, server.slavePath());
            return new PtyFace(dir, node, layout, server);
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
