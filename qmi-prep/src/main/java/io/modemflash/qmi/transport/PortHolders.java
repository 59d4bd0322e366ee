package io.modemflash.qmi.transport;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Other processes that have a device node open, found through /proc/PID/fd (Linux). A
 * cdc-wdm or tty shared with ModemManager (or a stray `cat`) steals our answers, so a direct
 * open checks first and fails fast instead of timing out.
 */
public final class PortHolders {
    private PortHolders() {
    }

    /** One process holding the device: its pid and /proc/PID/comm (e.g. "ModemManager"). */
    public record Holder(long pid, String command) {
        @Override
        public String toString() {
            return "pid " + pid + " (" + command + ")";
        }
    }

    /** Processes other than this one with the device open; empty when /proc cannot tell. */
    public static List<Holder> of(Path device) {
        return of(Path.of("/proc"), device);
    }

    static List<Holder> of(Path proc, Path device) {
        Path real;
        try {
            real = device.toRealPath();
        } catch (IOException e) {
            return List.of();
        }
        Long rdev = rdev(real);
        long self = ProcessHandle.current().pid();
        List<Holder> out = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path p : procs) {
                long pid = pid(p);
                if (pid > 0 && pid != self && holds(p.resolve("fd"), real, rdev)) {
                    out.add(new Holder(pid, command(p)));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc (or not Linux): nothing to report, the open goes ahead
        }
        return out;
    }

    private static boolean holds(Path fdDir, Path real, Long rdev) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                if (same(fd, real, rdev)) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // another user's process, or it exited while we looked
        }
        return false;
    }

    /** Same path, or (for other names of the same node under /dev) the same device number. */
    private static boolean same(Path fd, Path real, Long rdev) {
        try {
            Path target = Files.readSymbolicLink(fd);
            if (target.equals(real)) {
                return true;
            }
            return rdev != null && target.startsWith("/dev/") && rdev.equals(rdev(fd));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** st_rdev of a character device (following links), null for anything else. */
    private static Long rdev(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            long rdev = (Long) Files.getAttribute(p, "unix:rdev");
            return (mode & 0170000) == 0020000 && rdev != 0 ? rdev : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long pid(Path p) {
        try {
            return Long.parseLong(p.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String command(Path p) {
        try {
            return Files.readString(p.resolve("comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
