package io.modemflash.updater.cli;

import io.modemflash.updater.discovery.DeviceScanner;
import io.modemflash.updater.discovery.SystemRoots;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Hidden options naming the sysfs and /dev roots (the emulator's `--pty DIR`); env MODEMFLASH_SYSFS_ROOT/DEV_ROOT. */
public final class DevicesRootOptions {
    @Option(names = "--sysfs-root", hidden = true, paramLabel = "DIR",
            description = "Read sysfs under DIR (DIR/sys) instead of /sys; env MODEMFLASH_SYSFS_ROOT.")
    Path sysfsRoot;

    @Option(names = "--dev-root", hidden = true, paramLabel = "DIR",
            description = "Device nodes under DIR (DIR/dev) instead of /dev; env MODEMFLASH_DEV_ROOT.")
    Path devRoot;

    public SystemRoots roots() {
        return SystemRoots.resolve(sysfsRoot, devRoot);
    }

    /** The kernel's own /sys, not an emulator's tree: real modems, which ModemManager may hold. */
    public boolean realDevices() {
        return roots().sys().equals(Path.of("/sys"));
    }

    public DeviceScanner scanner() {
        return new DeviceScanner(roots());
    }
}
