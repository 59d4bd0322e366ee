package io.modemflash.images.archive;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;

import java.io.IOException;
import java.nio.file.Path;

/** Turns names found in packages (archive entries, XML filename attributes) into paths under a root. */
public final class SafePaths {
    private SafePaths() {
    }

    /**
     * Resolves {@code name} under {@code root}, refusing absolute names, drive letters and
     * any name that climbs out (after treating {@code \} as a separator, as Windows-made
     * packages need).
     */
    public static Path resolveInside(Path root, Path base, String name, String where) throws BadPackageException {
        String n = name.replace('\\', '/');
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.indexOf('\0') >= 0) {
            throw new BadPackageException(Reason.UNSAFE_PATH, where, "absolute path '" + name + "' refused");
        }
        Path normRoot = root.toAbsolutePath().normalize();
        Path p = base.toAbsolutePath().resolve(n).normalize();
        if (!p.startsWith(normRoot) || p.equals(normRoot) && !n.isEmpty() && !n.equals(".") && !n.equals("./")) {
            throw new BadPackageException(Reason.UNSAFE_PATH, where, "path '" + name + "' points outside the package");
        }
        return p;
    }

    /**
     * Refuses an existing file whose real location is outside {@code root}: a directory
     * package whose folder is a symbolic link to elsewhere would otherwise let a rawprogram
     * name any file on the machine. Links that stay inside the package are fine.
     */
    public static Path requireRealInside(Path root, Path file, String where) throws IOException {
        Path real = file.toRealPath();
        if (!real.startsWith(root.toRealPath())) {
            throw new BadPackageException(Reason.LINK_OUTSIDE, where, "'" + root.relativize(file.toAbsolutePath().normalize())
                    + "' goes through a symbolic link to " + real + ", outside the package");
        }
        return file;
    }

    /** Archive entry names: any ".." component is refused outright, even one that stays inside. */
    public static Path entry(Path root, String name, String where) throws BadPackageException {
        String n = name.replace('\\', '/');
        for (String part : n.split("/")) {
            if (part.equals("..")) {
                throw new BadPackageException(Reason.UNSAFE_PATH, where, "entry name '" + name + "' contains '..'");
            }
        }
        return resolveInside(root, root, n, where);
    }
}
