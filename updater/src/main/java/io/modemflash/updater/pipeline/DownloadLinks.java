package io.modemflash.updater.pipeline;

import io.modemflash.images.Protocol;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.link.TtyLink;
import io.modemflash.qdl.link.UsbLink;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.discovery.SystemRoots;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * How a download-mode device found in sysfs is opened, the same for `update` and for the
 * download-mode commands (download, sahara, firehose): its boot tty, or USB by port path (or
 * its peer; libusb detaches qcserial). A device that speaks first (a Sahara HELLO on the first
 * IN transfer) is claimed over USB even when it has a tty: the tty's first open starts the read
 * URBs and the line discipline processes the first bytes with the kernel's cooked, echoing
 * defaults inside that open, before any termios call can land (the kernel resets a minor's
 * termios when a new device takes it). USB is also several times faster than the tty (bench
 * scenario 04). The tty is then only the fallback, with a warning.
 */
public final class DownloadLinks {
    private DownloadLinks() {
    }

    /** Opens {@code device} for a flow of {@code protocol}; {@code warning} hears why a fallback was taken. */
    public static Link open(Device device, Protocol protocol, SystemRoots roots, Consumer<String> warning)
            throws IOException {
        Device.Tty tty = device.downloadTty();
        List<String> ports = device.peerPort() == null ? List.of(device.port())
                : List.of(device.port(), device.peerPort());
        if (tty == null) {
            return UsbLink.open(ports, null);
        }
        if (claimOverUsb(protocol, roots)) {
            try {
                return UsbLink.open(ports, null);
            } catch (IOException | RuntimeException | LinkageError e) {
                warning.accept("cannot claim " + device.vidPid() + " on USB port " + device.port() + " ("
                        + e.getMessage() + "); using " + tty.node() + ", whose line discipline may echo or alter"
                        + " the first bytes the device sends");
            }
        }
        return TtyLink.open(tty.node());
    }

    /**
     * Whether a download-mode device with a tty is better claimed over USB: when the protocol has
     * the device speak first (every Sahara flow; Sierra/Gobi QDL devices wait for the host's
     * hello), and only on the real sysfs, whose port paths name real USB ports.
     */
    public static boolean claimOverUsb(Protocol protocol, SystemRoots roots) {
        return roots.isSystem() && protocol != Protocol.SIERRA_QDL && protocol != Protocol.GOBI_QDL;
    }
}
