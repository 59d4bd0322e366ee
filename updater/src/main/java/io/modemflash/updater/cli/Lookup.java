package io.modemflash.updater.cli;

import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.discovery.DeviceScanner;
import io.modemflash.updater.pipeline.Journal;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How every command finds the device it was named with, the way `devices` lists it: a /dev
 * node (cdc-wdm or tty), a USB port path, or as qmi-firmware-update and lsusb select them, a
 * VID:PID or BUS:DEV that must match exactly one device, in sysfs; a node that vanished because the modem
 * now sits in download mode is found through the resume journal that remembers it.
 */
final class Lookup {
    private Lookup() {
    }

    /** The device named {@code spec}; {@code stateDir} (may be null) holds the resume journals. */
    static Optional<Device> modem(DeviceScanner scanner, String spec, Path stateDir) {
        if (DeviceScanner.isUsbSelector(spec)) {
            java.util.List<Device> hits = scanner.select(spec);
            if (hits.size() > 1) {
                throw new io.modemflash.updater.api.Failure(io.modemflash.updater.api.ExitCode.USAGE, spec + " matches "
                        + hits.size() + " devices (USB ports " + String.join(", ", hits.stream().map(Device::port).toList())
                        + "): name one by its port path or /dev node");
            }
            return hits.stream().findFirst();
        }
        Optional<Device> d = scanner.find(spec);
        if (d.isPresent() || !spec.contains("/")) {
            return d;
        }
        String port = Journal.portNamed(stateDir, spec);
        return port == null ? Optional.empty() : scanner.at(port);
    }
}
