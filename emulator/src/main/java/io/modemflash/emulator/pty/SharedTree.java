package io.modemflash.emulator.pty;

import io.modemflash.emulator.Profile.Usb;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Several emulated modems on one DIR (threads of one JVM or separate {@code modemflash
 * emulate} processes). Each modem owns its USB port by a claim file (holding its pid) in the
 * port's hub port directory; the claim outlives the modem's re-enumerations, during which its
 * device directory is briefly gone. Publishing and the last close take DIR's lock, so a modem
 * arriving never sees the tree deleted under it by the last one leaving.
 */
public final class SharedTree {
    /**
     * DIR/.modemflash-pty.lock: left in DIR when the tree goes, because deleting a lock file
     * another process may be waiting on would let two processes in at once.
     */
    public static final String LOCK_FILE = ".modemflash-pty.lock";
    static final String CLAIM_FILE = ".modemflash-owner";
    /** Ports of each root hub, as on a typical xHCI controller. */
    public static final int PORTS = 15;

    /** FileLock is per process: threads of this JVM queue here first. */
    private static final Map<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    /** Work done holding the lock. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws IOException;
    }

    private SharedTree() {
    }

    /** Runs work holding DIR's lock, against other threads and other processes. */
    public static <T> T locked(Path dir, Work<T> work) throws IOException {
        Files.createDirectories(dir);
        Path key = dir.toRealPath();
        ReentrantLock inJvm = IN_JVM.computeIfAbsent(key, k -> new ReentrantLock());
        inJvm.lock();
        try (FileChannel ch = FileChannel.open(key.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return work.run();
        } finally {
            inJvm.unlock();
        }
    }

    /**
     * Claims bus-port for this process and creates its hub port directories (call it locked).
     * Port 0 takes the first free port.
     *
     * @return the port claimed
     */
    public static int claimPort(Path sys, Usb usb, int bus, int port) throws IOException {
        if (port != 0) {
            if (port < 1 || port > PORTS) {
                throw new IllegalArgumentException("USB port " + port + " does not exist: the root hub has ports 1-"
                        + PORTS);
            }
            SysfsTree.ensurePort(sys, usb, bus, port);
            if (!claim(sys, bus, port)) {
                throw new FileAlreadyExistsException(SysfsTree.hubPort(sys, bus, port).toString(), null,
                        "USB port " + bus + "-" + port + " is taken by another emulated modem (pid "
                                + owner(sys, bus, port) + ")");
            }
            return port;
        }
        for (int n = 1; n <= PORTS; n++) {
            if (owner(sys, bus, n) == null) {
                SysfsTree.ensurePort(sys, usb, bus, n);
                if (claim(sys, bus, n)) {
                    return n;
                }
            }
        }
        throw new IOException("no free USB port on bus " + bus + " in " + sys + ": all " + PORTS
                + " are taken by emulated modems");
    }

    private static boolean claim(Path sys, int bus, int port) throws IOException {
        try {
            Files.writeString(claimFile(sys, bus, port), ProcessHandle.current().pid() + "\n",
                    StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /** Gives the port up (the modem has left it). */
    public static void releasePort(Path sys, int bus, int port) throws IOException {
        Files.deleteIfExists(claimFile(sys, bus, port));
    }

    /** Whether any modem still owns a port in the tree. */
    public static boolean anyClaimed(Path sys) throws IOException {
        return !claims(sys).isEmpty();
    }

    /**
     * Removes what modems of processes that died without closing left behind (call it
     * locked): their devices, class links, /dev nodes and claims, so their ports and numbers
     * are free again.
     */
    public static void recoverAbandoned(Path sys, Path devDir) throws IOException {
        for (Claim c : claims(sys)) {
            if (c.pid() > 0 && ProcessHandle.of(c.pid()).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            Path device = sys.resolve(SysfsTree.CONTROLLER).resolve("usb" + c.bus() + "/" + c.bus() + "-" + c.port());
            for (String cls : List.of("class/usbmisc", "class/tty")) {
                unlinkInto(sys.resolve(cls), device, devDir);
            }
            SysfsTree.delete(device);
            releasePort(sys, c.bus(), c.port());
        }
    }

    /** Deletes class links (and the /dev nodes of their names) that lead into {@code device}. */
    private static void unlinkInto(Path classDir, Path device, Path devDir) throws IOException {
        if (!Files.isDirectory(classDir)) {
            return;
        }
        try (var s = Files.list(classDir)) {
            for (Path link : (Iterable<Path>) s::iterator) {
                if (SysfsTree.leadsInto(link, device)) {
                    Files.deleteIfExists(link);
                    Files.deleteIfExists(devDir.resolve(link.getFileName().toString()));
                }
            }
        }
    }

    private record Claim(int bus, int port, long pid) {
    }

    private static List<Claim> claims(Path sys) throws IOException {
        List<Claim> out = new ArrayList<>();
        for (int bus = 1; bus <= 2; bus++) {
            for (int port = 1; port <= PORTS; port++) {
                Long pid = owner(sys, bus, port);
                if (pid != null) {
                    out.add(new Claim(bus, port, pid));
                }
            }
        }
        return out;
    }

    /** The pid owning bus-port (0 when unreadable), null when the port is free. */
    private static Long owner(Path sys, int bus, int port) throws IOException {
        Path f = claimFile(sys, bus, port);
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            return Long.parseLong(Files.readString(f, StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException e) {
            return 0L; // being written right now
        } catch (java.nio.file.NoSuchFileException e) {
            return null; // released meanwhile
        }
    }

    private static Path claimFile(Path sys, int bus, int port) {
        return SysfsTree.hubPort(sys, bus, port).resolve(CLAIM_FILE);
    }
}
