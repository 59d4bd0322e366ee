package io.modemflash.posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;

/** File-type checks a device opener needs before it opens anything. */
public final class Posix {
    private Posix() {
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;

    /**
     * st_mode of a path, following symlinks (stat(2), through the JDK's unix attribute view
     * so the struct stat layout of each architecture is not our problem).
     */
    public static int statMode(Path path) throws PosixException {
        try {
            return (Integer) Files.getAttribute(path, "unix:mode");
        } catch (NoSuchFileException e) {
            throw new PosixException("stat", path.toString(), Errno.ENOENT);
        } catch (AccessDeniedException e) {
            throw new PosixException("stat", path.toString(), Errno.EACCES);
        } catch (IOException | UnsupportedOperationException e) {
            throw new PosixException("stat", path.toString(), Errno.EIO);
        }
    }

    /** S_ISCHR: true for character devices (cdc-wdm, ttyUSB, pty slaves). */
    public static boolean isCharDevice(Path path) throws PosixException {
        return (statMode(path) & S_IFMT) == S_IFCHR;
    }

    /** st_rdev major/minor of a device node, e.g. "180:176". */
    public static String deviceNumber(Path path) throws PosixException {
        try {
            long rdev = (Long) Files.getAttribute(path, "unix:rdev");
            long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
            long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
            return major + ":" + minor;
        } catch (NoSuchFileException e) {
            throw new PosixException("stat", path.toString(), Errno.ENOENT);
        } catch (IOException | UnsupportedOperationException e) {
            throw new PosixException("stat", path.toString(), Errno.EIO);
        }
    }
}
