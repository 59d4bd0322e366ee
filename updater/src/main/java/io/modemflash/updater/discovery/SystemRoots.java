package io.modemflash.updater.discovery;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where sysfs and /dev are. On a real system "/" (so /sys and /dev); against the emulator the
 * directory given to `emulate --pty DIR`. A root may name the directory holding sys/ (dev/)
 * or sys/ (dev/) itself.
 */
public record SystemRoots(Path sys, Path dev) {
    public static final String SYSFS_ENV = "MODEMFLASH_SYSFS_ROOT";
    public static final String DEV_ENV = "MODEMFLASH_DEV_ROOT";

    public static SystemRoots system() {
        return of(Path.of("/"), Path.of("/"));
    }

    /** Options win over the environment, which wins over "/". */
    public static SystemRoots resolve(Path sysfsOption, Path devOption) {
        Path s = sysfsOption != null ? sysfsOption : env(SYSFS_ENV);
        Path d = devOption != null ? devOption : env(DEV_ENV);
        return of(s == null ? Path.of("/") : s, d == null ? Path.of("/") : d);
    }

    public static SystemRoots of(Path sysfsRoot, Path devRoot) {
        Path sys = Files.isDirectory(sysfsRoot.resolve("sys/class")) || !Files.isDirectory(sysfsRoot.resolve("class"))
                ? sysfsRoot.resolve("sys") : sysfsRoot;
        Path dev = Files.isDirectory(devRoot.resolve("dev")) || devRoot.getFileName() == null
                || !devRoot.getFileName().toString().equals("dev") ? devRoot.resolve("dev") : devRoot;
        return new SystemRoots(sys.toAbsolutePath().normalize(), dev.toAbsolutePath().normalize());
    }

    private static Path env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : Path.of(v);
    }

    /** The running kernel's own sysfs (not an emulator's tree): its port paths name real USB ports. */
    public boolean isSystem() {
        return sys.equals(Path.of("/sys"));
    }

    /** The device node of a kernel name (cdc-wdm0, ttyUSB1). */
    public Path node(String name) {
        return dev.resolve(name);
    }
}
