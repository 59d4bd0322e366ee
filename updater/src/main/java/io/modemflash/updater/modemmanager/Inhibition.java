package io.modemflash.updater.modemmanager;

import io.modemflash.updater.discovery.Device;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * ModemManager kept off some modems for as long as this is open, as fwupd does it: per modem,
 * InhibitDevice(uid, true) where uid is the modem's {@code Device} property (its physical USB
 * device, which keeps its path across re-enumeration, so the download-mode personality on the
 * same port is not probed either). Held on one bus connection: if this process dies, the
 * connection closes and ModemManager ends the inhibitions itself. {@link #close()} gives the
 * modems back, and ModemManager probes them again (and sees the new firmware).
 */
public final class Inhibition implements AutoCloseable {
    /** What ModemManager said for one modem. */
    public enum Outcome {
        /** inhibited by us, until close */
        INHIBITED,
        /** another program holds an inhibition already (ModemManager: Core.InProgress): the modem is free to use */
        ALREADY_INHIBITED,
        /** ModemManager does not know the device (Core.NotFound): it ignores it, or it is not a modem of its */
        NOT_MANAGED
    }

    /** The decision for one device. */
    public record Result(Device device, String uid, Outcome outcome, String detail) {
    }

    /** How long ModemManager may still be probing a device (it refuses with WrongState meanwhile). */
    static final long PROBING_WAIT_MILLIS = 15_000;
    static final long PROBING_RETRY_MILLIS = 500;

    private static final Inhibition NONE = new Inhibition(null, null, List.of());

    private final ModemManagerBus bus;
    private final String owner;
    private final List<Result> results;

    private Inhibition(ModemManagerBus bus, String owner, List<Result> results) {
        this.bus = bus;
        this.owner = owner;
        this.results = results;
    }

    /** Nothing to hold (ModemManager does not run, or is not asked). */
    public static Inhibition none() {
        return NONE;
    }

    /**
     * Inhibits every device on the ModemManager that is {@code owner}; takes over the bus
     * (closed on failure). Refused when ModemManager refuses for a reason other than the two
     * harmless ones (see {@link Outcome}).
     */
    public static Inhibition hold(ModemManagerBus bus, String owner, List<Device> devices, Consumer<String> trace)
            throws ModemManagerBus.Refused, IOException {
        List<Result> done = new ArrayList<>();
        Inhibition held = new Inhibition(bus, owner, done);
        try {
            List<ModemManagerBus.Modem> modems = bus.modems(owner);
            for (Device d : devices) {
                Optional<ModemManagerBus.Modem> m = match(modems, d);
                String uid = m.map(ModemManagerBus.Modem::device).orElseGet(() -> physicalPath(d));
                trace.accept("ModemManager: " + d.port() + " is " + m.map(x -> x.path() + ", uid " + uid)
                        .orElse("not among its modems; trying uid " + uid));
                done.add(inhibitOne(bus, owner, d, uid));
            }
            return held;
        } catch (ModemManagerBus.Refused | IOException | RuntimeException e) {
            held.close();
            throw e;
        }
    }

    private static Result inhibitOne(ModemManagerBus bus, String owner, Device d, String uid)
            throws ModemManagerBus.Refused, IOException {
        long deadline = System.nanoTime() + PROBING_WAIT_MILLIS * 1_000_000L;
        while (true) {
            try {
                bus.inhibit(owner, uid, true);
                return new Result(d, uid, Outcome.INHIBITED, null);
            } catch (ModemManagerBus.Refused r) {
                switch (r.name()) {
                    case "Core.InProgress":
                        return new Result(d, uid, Outcome.ALREADY_INHIBITED, r.getMessage());
                    case "Core.NotFound":
                        return new Result(d, uid, Outcome.NOT_MANAGED, r.getMessage());
                    case "Core.WrongState":
                        if (System.nanoTime() < deadline) {
                            sleep();
                            continue;
                        }
                        throw r;
                    default:
                        throw r;
                }
            }
        }
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(PROBING_RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for ModemManager");
        }
    }

    /**
     * The modem ModemManager built on this device: same physical device (its sysfs path, or a
     * path ending in the same USB port), or one of our ports among its ports.
     */
    static Optional<ModemManagerBus.Modem> match(List<ModemManagerBus.Modem> modems, Device d) {
        String physical = physicalPath(d);
        List<String> ours = new ArrayList<>();
        if (d.qmiNode() != null) {
            ours.add(d.qmiNode().getFileName().toString());
        }
        d.ttys().forEach(t -> ours.add(t.name()));
        return modems.stream().filter(m -> m.device() != null && (m.device().equals(physical)
                        || m.device().endsWith("/" + d.port()) || (d.peerPort() != null
                        && m.device().endsWith("/" + d.peerPort())))
                        || m.ports().stream().anyMatch(ours::contains))
                .findFirst();
    }

    /** The USB device's sysfs path with links resolved: what ModemManager takes as its uid. */
    static String physicalPath(Device d) {
        Path p = d.sysfsDir();
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize().toString();
        }
    }

    public List<Result> results() {
        return results;
    }

    /** Gives the inhibited modems back (ModemManager probes them again) and leaves the bus. Idempotent. */
    @Override
    public void close() {
        if (bus == null) {
            return;
        }
        synchronized (this) {
            for (Result r : results) {
                if (r.outcome() == Outcome.INHIBITED) {
                    try {
                        bus.inhibit(owner, r.uid(), false);
                    } catch (ModemManagerBus.Refused | IOException e) {
                        // closing the connection below ends it all the same
                    }
                }
            }
            results.clear();
            bus.close();
        }
    }
}
