package io.modemflash.updater.cli;

import io.modemflash.updater.discovery.DeviceScanner;
import io.modemflash.updater.discovery.SystemRoots;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hidden options naming the sysfs and /dev roots (the emulator's `--pty DIR`); env
 * MODEMFLASH_SYSFS_ROOT/DEV_ROOT. Without either, a device named as DIR/dev/NODE where DIR/sys
 * is a sysfs-shaped tree (what `emulate --pty DIR` publishes) brings its roots along.
 */
public final class DevicesRootOptions {
    @Option(names = "--sysfs-root", hidden = true, paramLabel = "DIR",
            description = "Read sysfs under DIR (DIR/sys) instead of /sys; env MODEMFLASH_SYSFS_ROOT.")
    Path sysfsRoot;

    @Option(names = "--dev-root", hidden = true, paramLabel = "DIR",
            description = "Device nodes under DIR (DIR/dev) instead of /dev; env MODEMFLASH_DEV_ROOT.")
    Path devRoot;

    /** Roots named by names given on the command line (-d, --tty), when no option or environment names them. */
    private Path implied;

    public SystemRoots roots() {
        if (sysfsRoot == null && devRoot == null && implied != null && System.getenv(SystemRoots.SYSFS_ENV) == null
                && System.getenv(SystemRoots.DEV_ENV) == null) {
            return SystemRoots.of(implied, implied);
        }
        return SystemRoots.resolve(sysfsRoot, devRoot);
    }

    /** Looks at the device names a command was given: DIR/dev/NODE under an emulated DIR implies its roots. */
    public DevicesRootOptions impliedBy(List<String> names) {
        for (String n : names) {
            if (n == null || !n.contains("/")) {
                continue;
            }
            Path p = Path.of(n).toAbsolutePath().normalize();
            Path dev = p.getParent();
            if (dev != null && dev.getFileName() != null && dev.getFileName().toString().equals("dev")
                    && dev.getParent() != null && !dev.equals(Path.of("/dev"))
                    && Files.isDirectory(dev.getParent().resolve("sys/class"))) {
                implied = dev.getParent();
                break;
            }
        }
        return this;
    }

    /** The kernel's own /sys, not an emulator's tree: real modems, which ModemManager may hold. */
    public boolean realDevices() {
        return roots().sys().equals(Path.of("/sys"));
    }

    public DeviceScanner scanner() {
        return new DeviceScanner(roots());
    }
}
