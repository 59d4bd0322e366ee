package io.modemflash.updater.cli;

import io.modemflash.images.Protocol;
import io.modemflash.qdl.link.ForwardingLink;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.link.NoMatchingDeviceException;
import io.modemflash.qdl.link.TracingLink;
import io.modemflash.qdl.link.TtyLink;
import io.modemflash.qdl.link.UsbLink;
import io.modemflash.updater.api.Cancellation;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Output;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.discovery.DeviceScanner;
import io.modemflash.updater.pipeline.DownloadLinks;
import io.modemflash.updater.pipeline.PortLock;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which download-mode device to talk to (picocli mixin of download, sahara and firehose),
 * found the way `devices` lists it: in sysfs, by USB port path (--port), chip serial
 * (--serial) or boot tty (--tty); without any, the single device in download mode. It is
 * opened as `update` opens it ({@link DownloadLinks}: Sahara flows over libusb, Sierra/Gobi QDL
 * over its boot tty when qcserial has bound one). The modem's port is locked for the command's
 * life (one process per modem).
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

    @Mixin
    DevicesRootOptions rootOptions;

    /** A real device (libusb, or a tty under /dev), not an emulator's pty in some directory. */
    boolean realDevice() {
        return tty == null ? rootOptions.realDevices() : tty.toAbsolutePath().normalize().startsWith("/dev");
    }

    /**
     * Opens the link for a flow of {@code protocol} (locked to this process; closed on Ctrl-C);
     * with -v every transfer is traced in hex on stderr.
     */
    public Link open(Output out, String what, Protocol protocol) throws IOException {
        if (tty != null && (port != null || serial != null)) {
            throw new Failure(ExitCode.USAGE, "--tty cannot be combined with --port or --serial");
        }
        rootOptions.impliedBy(tty == null ? List.of() : List.of(tty.toString()));
        DeviceScanner scanner = rootOptions.scanner();
        Device device = find(scanner);
        PortLock lock = device == null ? null : PortLock.acquire(scanner.roots(), device.port(), what);
        Link link;
        try {
            if (tty != null) {
                link = TtyLink.open(tty);
            } else if (device != null) {
                link = DownloadLinks.open(device, protocol, scanner.roots(), w -> out.note("warning: " + w));
            } else {
                link = openUsb();
            }
        } catch (IOException | RuntimeException e) {
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
        Link traced = out.verbose() ? new TracingLink(link, out::trace, 64) : link;
        Cancellation.Registration cancel = Cancellation.whileOpen(traced);
        return new ForwardingLink(traced) {
            @Override
            public void close() throws IOException {
                try {
                    cancel.close();
                    super.close();
                } finally {
                    if (lock != null) {
                        lock.close();
                    }
                }
            }
        };
    }

    /** The device in sysfs: by --tty, --port or --serial, else the single one in download mode; null: ask libusb. */
    private Device find(DeviceScanner scanner) throws IOException {
        if (tty != null) {
            return scanner.find(tty.toAbsolutePath().normalize().toString()).orElse(null);
        }
        List<Device> inDownload = scanner.scan().stream().filter(Device::inDownloadMode).toList();
        if (port != null) {
            Optional<Device> d = scanner.at(port);
            if (d.isPresent() && !d.get().inDownloadMode()) {
                throw new Failure(ExitCode.DEVICE_NOT_FOUND, "the modem on USB port " + port + " is in application mode ("
                        + d.get().vidPid() + "), not in download mode: 'modemflash boot-mode -d " + port
                        + "' switches it, or 'modemflash update' does it all");
            }
            return d.orElse(null); // not in sysfs: libusb may still see it
        }
        if (serial != null) {
            return inDownload.stream().filter(d -> serial.equalsIgnoreCase(d.serial())).findFirst().orElse(null);
        }
        if (inDownload.size() > 1) {
            List<String> names = new ArrayList<>();
            inDownload.forEach(d -> names.add(d.port() + " (" + d.vidPid() + ")"));
            throw new NoMatchingDeviceException("several devices in download mode (" + String.join(", ", names)
                    + "): choose one with --port, --serial or --tty");
        }
        return inDownload.isEmpty() ? null : inDownload.get(0);
    }

    private Link openUsb() throws IOException {
        if (port != null || serial != null) {
            return UsbLink.open(port, serial);
        }
        List<UsbLink.Candidate> found;
        try {
            found = UsbLink.list();
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new NoMatchingDeviceException("no device in download mode (see 'modemflash devices'; cannot scan "
                    + "USB: " + e.getMessage() + "; a boot tty can be named with --tty)");
        }
        if (found.isEmpty()) {
            throw new NoMatchingDeviceException("no device in download mode (see 'modemflash devices'; a boot tty "
                    + "can be named with --tty)");
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
