package io.modemflash.qdl.link;

import io.modemflash.qdl.link.DownloadModeDevices.BootProtocol;
import io.modemflash.qdl.link.DownloadModeDevices.InterfaceClass;
import org.usb4java.ConfigDescriptor;
import org.usb4java.Context;
import org.usb4java.Device;
import org.usb4java.DeviceDescriptor;
import org.usb4java.DeviceHandle;
import org.usb4java.DeviceList;
import org.usb4java.EndpointDescriptor;
import org.usb4java.InterfaceDescriptor;
import org.usb4java.LibUsb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A download-mode device claimed directly through libusb (usb4java): bulk OUT in writes of
 * at most 1 MiB plus an explicit zero-length packet when the ZLP rule asks for it, several
 * queued at once, bulk IN reads that swallow zero-length completions.
 */
public final class UsbLink implements Link {

    /** Largest single bulk OUT: 1 MiB writes run ~3x faster than 512-byte ones. */
    public static final int MAX_WRITE = UsbBulkPipe.MAX_WRITE;
    /** libusb's timeout status, which a bulk IN poll expects. */
    static final int TIMEOUT_STATUS = LibUsb.ERROR_TIMEOUT;

    /** A download-mode device seen on the bus; protocol is null when its id does not tell. */
    public record Candidate(int vendorId, int productId, String portPath, String product, String serial,
                            BootProtocol protocol, int interfaceNumber) {
        public String id() {
            return String.format("%04x:%04x", vendorId, productId);
        }
    }

    private final Context context;
    private final DeviceHandle handle;
    private final int interfaceNumber;
    private final UsbBulkPipe pipe;
    private final boolean reattach;
    private final String name;
    private volatile boolean zlp;
    private boolean closed;

    private UsbLink(Context context, DeviceHandle handle, int interfaceNumber, byte in, byte out, int maxPacketSize,
                    boolean reattach, String name) {
        this.context = context;
        this.handle = handle;
        this.interfaceNumber = interfaceNumber;
        this.pipe = new UsbBulkPipe((ep, data, transferred, timeout) -> LibUsb.bulkTransfer(handle, ep, data,
                transferred, timeout), new LibUsbOutTransfers(context, handle, out), in, out, maxPacketSize);
        this.reattach = reattach;
        this.name = name;
    }

    /** Lists the download-mode devices on the bus (serial read when the device can be opened). */
    public static List<Candidate> list() throws IOException {
        Context ctx = init();
        try {
            return scan(ctx, List.of(), null, false).candidates;
        } finally {
            LibUsb.exit(ctx);
        }
    }

    /**
     * Opens the one download-mode device that matches (null selects anything; several
     * matches without a selection is an error, never a guess).
     */
    public static UsbLink open(String portPath, String serial) throws IOException {
        return open(portPath == null ? List.of() : List.of(portPath), serial);
    }

    /**
     * Like {@link #open(String, String)} but accepting any of several port paths: a USB3 port
     * may come back as its USB2 peer after re-enumeration. An empty list selects any port.
     */
    public static UsbLink open(List<String> portPaths, String serial) throws IOException {
        String portPath = portPaths.isEmpty() ? null : String.join(" or ", portPaths);
        Context ctx = init();
        try {
            Scan scan = scan(ctx, portPaths, serial, true);
            if (scan.candidates.isEmpty()) {
                throw new NoMatchingDeviceException("no download-mode USB device" + selectionText(portPath, serial));
            }
            if (scan.candidates.size() > 1) {
                scan.devices.forEach(LibUsb::unrefDevice);
                throw new NoMatchingDeviceException("several download-mode USB devices " + describeAll(scan.candidates)
                        + ": choose one with --port or --serial");
            }
            return claim(ctx, scan.devices.get(0), scan.candidates.get(0));
        } catch (IOException | RuntimeException e) {
            LibUsb.exit(ctx);
            throw e;
        }
    }

    private static String selectionText(String portPath, String serial) {
        StringBuilder sb = new StringBuilder();
        if (portPath != null) {
            sb.append(" on port ").append(portPath);
        }
        if (serial != null) {
            sb.append(" with serial ").append(serial);
        }
        return sb.toString();
    }

    private static String describeAll(List<Candidate> cs) {
        List<String> parts = new ArrayList<>();
        for (Candidate c : cs) {
            parts.add(c.id() + "@" + c.portPath());
        }
        return String.join(", ", parts);
    }

    private static Context init() throws IOException {
        Context ctx = new Context();
        int r = LibUsb.init(ctx);
        if (r < 0) {
            throw new IOException("libusb init failed: " + LibUsb.strError(r));
        }
        return ctx;
    }

    private record Scan(List<Candidate> candidates, List<Device> devices) {
    }

    private static Scan scan(Context ctx, List<String> wantPorts, String wantSerial, boolean select)
            throws IOException {
        DeviceList list = new DeviceList();
        int r = LibUsb.getDeviceList(ctx, list);
        if (r < 0) {
            throw new IOException("cannot list USB devices: " + LibUsb.strError(r));
        }
        List<Candidate> out = new ArrayList<>();
        List<Device> devices = new ArrayList<>();
        try {
            for (Device dev : list) {
                Candidate c = describe(dev);
                if (c == null || select && !(wantPorts.isEmpty() || wantPorts.contains(c.portPath()))
                        || select && !DownloadModeDevices.selected(null, wantSerial, c.portPath(), c.serial())) {
                    continue;
                }
                out.add(c);
                devices.add(LibUsb.refDevice(dev));
            }
        } finally {
            LibUsb.freeDeviceList(list, true);
        }
        return new Scan(out, devices);
    }

    private static Candidate describe(Device dev) {
        DeviceDescriptor desc = new DeviceDescriptor();
        if (LibUsb.getDeviceDescriptor(dev, desc) < 0) {
            return null;
        }
        int vid = desc.idVendor() & 0xffff;
        int pid = desc.idProduct() & 0xffff;
        List<InterfaceClass> ifaces = new ArrayList<>();
        ConfigDescriptor cfg = new ConfigDescriptor();
        if (LibUsb.getActiveConfigDescriptor(dev, cfg) < 0) {
            return null;
        }
        try {
            for (org.usb4java.Interface i : cfg.iface()) {
                if (i.numAltsetting() == 0) {
                    continue;
                }
                InterfaceDescriptor d = i.altsetting()[0];
                ifaces.add(new InterfaceClass(d.bInterfaceNumber() & 0xff, d.bInterfaceClass() & 0xff,
                        d.bInterfaceSubClass() & 0xff, d.bInterfaceProtocol() & 0xff));
            }
        } finally {
            LibUsb.freeConfigDescriptor(cfg);
        }
        var boot = DownloadModeDevices.bootInterface(vid, pid, ifaces);
        if (boot.isEmpty()) {
            return null;
        }
        ByteBuffer ports = ByteBuffer.allocateDirect(8);
        int n = LibUsb.getPortNumbers(dev, ports);
        int[] chain = new int[Math.max(0, n)];
        for (int k = 0; k < chain.length; k++) {
            chain[k] = ports.get(k) & 0xff;
        }
        String path = DownloadModeDevices.portPath(LibUsb.getBusNumber(dev), chain);
        String product = null;
        DeviceHandle h = new DeviceHandle();
        if (desc.iProduct() != 0 && LibUsb.open(dev, h) == 0) {
            try {
                product = LibUsb.getStringDescriptor(h, desc.iProduct());
            } catch (RuntimeException e) {
                product = null; // unreadable strings do not make the device unusable
            } finally {
                LibUsb.close(h);
            }
        }
        String serial = DownloadModeDevices.serialFromProduct(product).orElse(null);
        return new Candidate(vid, pid, path, product, serial, DownloadModeDevices.protocolHint(vid, pid).orElse(null),
                boot.get().number());
    }

    private static UsbLink claim(Context ctx, Device dev, Candidate c) throws IOException {
        try {
            byte in = 0;
            byte out = 0;
            int mps = 512;
            ConfigDescriptor cfg = new ConfigDescriptor();
            check(LibUsb.getActiveConfigDescriptor(dev, cfg), "read the configuration of " + c.portPath());
            try {
                for (org.usb4java.Interface i : cfg.iface()) {
                    InterfaceDescriptor d = i.altsetting()[0];
                    if ((d.bInterfaceNumber() & 0xff) != c.interfaceNumber()) {
                        continue;
                    }
                    for (EndpointDescriptor e : d.endpoint()) {
                        if ((e.bmAttributes() & 0x03) != LibUsb.TRANSFER_TYPE_BULK) {
                            continue;
                        }
                        if ((e.bEndpointAddress() & 0x80) != 0) {
                            in = e.bEndpointAddress();
                        } else {
                            out = e.bEndpointAddress();
                            mps = e.wMaxPacketSize() & 0x7ff;
                        }
                    }
                }
            } finally {
                LibUsb.freeConfigDescriptor(cfg);
            }
            if (in == 0 || out == 0) {
                throw new NoMatchingDeviceException(c.id() + " at " + c.portPath() + " has no bulk IN/OUT pair");
            }
            DeviceHandle h = new DeviceHandle();
            check(LibUsb.open(dev, h), "open " + c.id() + " at " + c.portPath());
            boolean detached = false;
            // Do not ask LibUsb.hasCapability first: usb4java truncates it and says "no" on Linux.
            int r = LibUsb.detachKernelDriver(h, c.interfaceNumber());
            if (r == 0) {
                detached = true;
            } else if (r != LibUsb.ERROR_NOT_FOUND && r != LibUsb.ERROR_NOT_SUPPORTED) {
                LibUsb.close(h);
                check(r, "detach the kernel driver (qcserial) from " + c.portPath());
            }
            r = LibUsb.claimInterface(h, c.interfaceNumber());
            if (r < 0) {
                LibUsb.close(h);
                check(r, "claim interface " + c.interfaceNumber() + " of " + c.portPath());
            }
            return new UsbLink(ctx, h, c.interfaceNumber(), in, out, mps == 0 ? 512 : mps, detached,
                    "usb " + c.portPath() + " (" + c.id() + ")");
        } finally {
            LibUsb.unrefDevice(dev);
        }
    }

    /** Turns a libusb error code into the exception the CLI maps to an exit code. */
    static void check(int r, String what) throws IOException {
        if (r >= 0) {
            return;
        }
        switch (r) {
            case LibUsb.ERROR_BUSY -> throw new DeviceBusyException("device busy: cannot " + what
                    + " (another process holds it; is ModemManager running?)");
            case LibUsb.ERROR_NO_DEVICE -> throw new DeviceGoneException("device gone: cannot " + what);
            case LibUsb.ERROR_ACCESS -> throw new IOException("permission denied: cannot " + what
                    + " (run as root or add a udev rule)");
            case LibUsb.ERROR_TIMEOUT -> throw new LinkTimeoutException("USB timeout: " + what);
            default -> throw new IOException("cannot " + what + ": " + LibUsb.errorName(r));
        }
    }

    @Override
    public synchronized void write(byte[] data, int off, int len) throws IOException {
        ensureOpen();
        pipe.write(data, off, len, zlp);
    }

    @Override
    public synchronized int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
        ensureOpen();
        return pipe.read(buf, off, len, timeoutMillis);
    }

    private void ensureOpen() throws DeviceGoneException {
        if (closed) {
            throw new DeviceGoneException("USB link closed");
        }
    }

    @Override
    public int maxPacketSize() {
        return pipe.maxPacketSize();
    }

    @Override
    public void setZeroLengthPackets(boolean enabled) {
        zlp = enabled;
    }

    @Override
    public boolean zeroLengthPackets() {
        return zlp;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        pipe.close(); // a last command written and never answered (a reset) still goes out
        LibUsb.releaseInterface(handle, interfaceNumber);
        if (reattach) {
            LibUsb.attachKernelDriver(handle, interfaceNumber); // best effort: the device may be gone
        }
        LibUsb.close(handle);
        LibUsb.exit(context);
    }
}
