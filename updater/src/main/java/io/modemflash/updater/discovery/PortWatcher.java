package io.modemflash.updater.discovery;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Follows one USB port (and its USB2/USB3 peer) through a re-enumeration by polling sysfs:
 * the device seen when the watcher was made must go first (or be replaced by another
 * enumeration), then a device matching what is awaited must appear with its /dev nodes.
 * Create it before the reset is sent, so that a fast re-enumeration is not missed.
 */
public final class PortWatcher {
    private final DeviceScanner scanner;
    private final String port;
    private final String peer;
    private final Device before;
    private final Duration poll;
    private Device lastSeen;

    public PortWatcher(DeviceScanner scanner, Device before, Duration poll) {
        this(scanner, before.port(), before.peerPort(), before, poll);
    }

    /** before may be null when nothing is on the port yet. */
    public PortWatcher(DeviceScanner scanner, String port, String peer, Device before, Duration poll) {
        this.scanner = scanner;
        this.port = port;
        this.peer = peer;
        this.before = before;
        this.poll = poll;
        this.lastSeen = before;
    }

    public String port() {
        return port;
    }

    /** A device in download mode whose download tty (or, without one, the USB device itself) is there. */
    public static Predicate<Device> downloadMode() {
        return d -> d.inDownloadMode() && (d.ttys().isEmpty() || Files.exists(d.ttys().get(0).node()));
    }

    /** A device in application mode whose QMI node exists. */
    public static Predicate<Device> applicationMode() {
        return d -> !d.inDownloadMode() && d.qmiNode() != null && Files.exists(d.qmiNode());
    }

    /**
     * Waits for the old enumeration to go and a matching device to come on the port.
     *
     * @param what described in the timeout message ("download-mode device")
     */
    public Device await(Predicate<Device> wanted, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean gone = before == null;
        Device previous = null;
        while (true) {
            Device now = current();
            if (now != null) {
                lastSeen = now;
            }
            if (now == null || !now.sameEnumeration(before)) {
                gone = true;
            }
            // The kernel adds the device, then its interfaces, then binds drivers and makes
            // nodes: take it only once two polls in a row see the same picture, so a device
            // caught half-way (no interface yet, a tty about to appear) is not taken as final.
            if (gone && now != null && wanted.test(now) && now.equals(previous)) {
                return now;
            }
            previous = now;
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DeviceWaitTimeoutException(message(what, timeout, now, gone));
            }
            Thread.sleep(Math.max(1, Math.min(poll.toMillis(), left / 1_000_000)));
        }
    }

    private String message(String what, Duration timeout, Device now, boolean gone) {
        String where = "USB port " + port + (peer == null ? "" : " (or its peer " + peer + ")");
        if (!gone) {
            return "the modem on " + where + " did not re-enumerate within " + seconds(timeout)
                    + " (still " + now.vidPid() + " in " + now.mode().label() + " mode)";
        }
        return "no " + what + " appeared on " + where + " within " + seconds(timeout)
                + (now == null ? " (nothing is on the port)" : " (last seen: " + now.vidPid() + " in "
                + now.mode().label() + " mode)");
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The device on the port or its peer right now. */
    public Device current() {
        List<Device> all = scanner.scan();
        for (Device d : all) {
            if (d.at(port) || (peer != null && d.at(peer))) {
                return d;
            }
        }
        return null;
    }

    public Device lastSeen() {
        return lastSeen;
    }
}
