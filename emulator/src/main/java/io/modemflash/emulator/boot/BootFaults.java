package io.modemflash.emulator.boot;

import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.FaultPlan.Disconnect;
import io.modemflash.emulator.FaultPlan.Fault;
import io.modemflash.emulator.FaultPlan.Nak;
import io.modemflash.emulator.FaultPlan.Stall;

import java.util.HashSet;
import java.util.Set;

/**
 * The boot-side faults of a {@link FaultPlan} with their state: a disconnect and a corrupted
 * CRC fire once (an interrupted update must be recoverable by running it again), the
 * others every time.
 */
public final class BootFaults {
    private final FaultPlan plan;
    private final Set<Fault> fired = new HashSet<>();

    public BootFaults(FaultPlan plan) {
        this.plan = plan;
    }

    public FaultPlan plan() {
        return plan;
    }

    /** A disconnect fault for this stage that has not fired yet (and marks it fired). */
    synchronized boolean disconnectAt(String stage) {
        for (Fault f : plan.faults()) {
            if (f instanceof Disconnect d && d.bytes() < 0 && d.stage().equals(stage) && fired.add(f)) {
                return true;
            }
        }
        return false;
    }

    /** A disconnect:download:N whose threshold the image bytes received so far reached. */
    synchronized boolean disconnectAfter(long downloadedBytes) {
        for (Fault f : plan.faults()) {
            if (f instanceof Disconnect d && d.bytes() >= 0 && downloadedBytes >= d.bytes() && fired.add(f)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An unplug:download:N whose threshold the image bytes reached (fires once): how long the
     * device stays off the bus, in ms; -1 when none fires.
     */
    synchronized long unplugAfter(long downloadedBytes) {
        for (Fault f : plan.faults()) {
            if (f instanceof FaultPlan.Unplug u && downloadedBytes >= u.bytes() && fired.add(f)) {
                return u.seconds() * 1000;
            }
        }
        return -1;
    }

    /** A corrupt-sector fault for the session's {@code programNumber}-th program (fires once). */
    synchronized boolean corruptSector(int programNumber, String label) {
        for (Fault f : plan.faults()) {
            if (f instanceof FaultPlan.CorruptSector c && c.targets(programNumber, label) && fired.add(f)) {
                return true;
            }
        }
        return false;
    }

    boolean stallAt(String stage) {
        return plan.faults().stream().anyMatch(f -> f instanceof Stall s && s.stage().equals(stage));
    }

    boolean nak(String command) {
        return plan.faults().stream().anyMatch(f -> f instanceof Nak n && n.command().equalsIgnoreCase(command));
    }

    synchronized boolean corruptCrcOnce() {
        for (Fault f : plan.faults()) {
            if (f instanceof FaultPlan.CorruptCrc && fired.add(f)) {
                return true;
            }
        }
        return false;
    }

    boolean eatHello() {
        return plan.has(FaultPlan.EatHello.class);
    }

    boolean rejectProgrammer() {
        return plan.has(FaultPlan.RejectProgrammer.class);
    }

    public boolean rebootOld() {
        return plan.has(FaultPlan.RebootOld.class);
    }

    public boolean crashDump() {
        return plan.has(FaultPlan.CrashDump.class);
    }

    /** A strict boot ROM: bytes a tty echoed back before the handshake get an error answer. */
    boolean strictEcho() {
        return plan.has(FaultPlan.StrictEcho.class);
    }

    public boolean wrongVersion() {
        return plan.has(FaultPlan.WrongVersion.class);
    }
}
