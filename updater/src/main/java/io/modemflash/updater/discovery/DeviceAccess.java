package io.modemflash.updater.discovery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether this process may open a download-mode device's usbfs node (what libusb opens to
 * speak Sahara, Firehose or Sierra QDL) and, when it may not, what to do: the udev rule the
 * packages ship gives the plugdev group and the user at the seat read-write access.
 */
public final class DeviceAccess {
    /** The rule file the tarball (lib/udev/rules.d) and the .deb (/usr/lib/udev/rules.d) ship. */
    public static final String UDEV_RULE = "70-modemflash.rules";

    private DeviceAccess() {
    }

    /**
     * Why the device's node cannot be opened read-write, or empty when it can, when the device is
     * not in download mode (QMI goes through cdc-wdm, not usbfs), or when the tree has no usbfs
     * nodes at all (an emulator's pty tree).
     */
    public static Optional<String> problem(Device device, SystemRoots roots) {
        if (!device.inDownloadMode()) {
            return Optional.empty();
        }
        Path node = device.usbNode(roots);
        if (!Files.exists(node) || Files.isReadable(node) && Files.isWritable(node)) {
            return Optional.empty();
        }
        return Optional.of("no read-write access to " + node + " (" + device.vidPid() + " at " + device.port()
                + ", download mode): the download cannot open it. Install the udev rule " + UDEV_RULE
                + " (the .deb puts it in /usr/lib/udev/rules.d; from the tarball copy lib/udev/rules.d/" + UDEV_RULE
                + " to /etc/udev/rules.d and run: udevadm control --reload && udevadm trigger),"
                + " be in the plugdev group (or at the seat), or run as root");
    }
}
