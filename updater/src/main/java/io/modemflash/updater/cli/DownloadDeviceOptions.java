package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Output;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.link.NoMatchingDeviceException;
import io.modemflash.qdl.link.TracingLink;
import io.modemflash.qdl.link.TtyLink;
import io.modemflash.qdl.link.UsbLink;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which download-mode device to talk to (picocli mixin of download, sahara and firehose):
 * a USB port path or chip serial (libusb), or a tty. Without any, the single download-mode
 * USB device on the bus.
 */
public final class DownloadDeviceOptions {
    @Option(names = "--port", paramLabel = "PATH",
            description = "USB port path of the device in download mode, e.g. 2-1.4 (see 'modemflash devices').")
    String port;

    @Option(names = "--serial", paramLabel = "SN",
            description = "Chip serial of the device in download mode (the text after _SN: in its USB product string).")
    String serial;

    @Option(names = "--tty", paramLabel = "DEV",
            description = "Talk over this tty (e.g. /dev/ttyUSB0 bound by qcserial) instead of libusb.")
    Path tty;

    /** A real device (libusb, or a tty under /dev), not an emulator's pty in some directory. */
    boolean realDevice() {
        return tty == null || tty.toAbsolutePath().normalize().startsWith("/dev");
    }

    /** Opens the link; with -v every transfer is traced in hex on stderr. */
    public Link open(Output out) throws IOException {
        if (tty != null && (port != null || serial != null)) {
            throw new Failure(ExitCode.USAGE, "--tty cannot be combined with --port or --serial");
        }
        Link link;
        if (tty != null) {
            link = TtyLink.open(tty);
        } else {
            link = openUsb();
        }
        return out.verbose() ? new TracingLink(link, out::trace, 64) : link;
    }

    private Link openUsb() throws IOException {
        if (port != null || serial != null) {
            return UsbLink.open(port, serial);
        }
        List<UsbLink.Candidate> found;
        try {
            found = UsbLink.list();
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new NoMatchingDeviceException("no device in download mode (cannot scan USB: " + e.getMessage() + ")");
        }
        if (found.isEmpty()) {
            throw new NoMatchingDeviceException("no device in download mode");
        }
        if (found.size() > 1) {
            List<String> names = new ArrayList<>();
            found.forEach(c -> names.add(c.id() + "@" + c.portPath()));
            throw new NoMatchingDeviceException("several devices in download mode (" + String.join(", ", names)
                    + "), choose one with --port/--serial");
        }
        return UsbLink.open(found.get(0).portPath(), null);
    }
}
