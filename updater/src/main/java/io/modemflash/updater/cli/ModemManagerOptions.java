package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Output;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.modemmanager.Inhibition;
import io.modemflash.updater.modemmanager.ModemManagerBus;
import io.modemflash.updater.pipeline.ModemManagerCheck;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Is ModemManager in the way? It probes modem and boot-mode ports and breaks the boot
 * protocols (PROTOCOLS.md 2 and 8.3). The system bus is asked (never ModemManager itself, which
 * a call to its name would start) only for real devices (/sys, /dev), never for the emulator's
 * trees; the hidden --modemmanager (env MODEMFLASH_MODEMMANAGER) gives the answer instead, or
 * names a bus to ask anyway, for tests and benches. Picocli mixin of update, boot-mode and
 * download.
 */
public final class ModemManagerOptions {
    public static final String ENV = "MODEMFLASH_MODEMMANAGER";

    @Option(names = "--modemmanager", hidden = true, paramLabel = "detect|bus[=ADDRESS]|running|absent",
            description = "Whether ModemManager counts as running (default detect: ask the system bus for real "
                    + "devices; bus: ask it for any device, bus=ADDRESS: ask that bus; running: it runs and cannot "
                    + "be asked; absent); env " + ENV + ".")
    String answer;

    /** How the question is answered. */
    private record Source(boolean ask, String address, boolean assumeRunning) {
    }

    /**
     * While ModemManager runs: without goOn a device-busy failure (exit 4) with the refusal;
     * with it a warning event and note, and the command goes on.
     */
    void check(Output out, boolean realDevices, boolean goOn, String refusal, String warning) {
        Source s = source(realDevices);
        if (!(s.assumeRunning() || s.ask() && ModemManagerCheck.running(s.address()))) {
            return;
        }
        refuseOrWarn(out, goOn, refusal, warning);
    }

    private static void refuseOrWarn(Output out, boolean goOn, String refusal, String warning) {
        if (!goOn) {
            throw new Failure(ExitCode.DEVICE_BUSY, refusal);
        }
        out.event("warning", Map.of("message", warning));
        out.note("modemflash: warning: " + warning);
    }

    /**
     * For update: when ModemManager runs, inhibits every device in it for as long as the
     * returned hold is open (it ends with this process in any case). With noInhibit, or when
     * ModemManager runs but cannot be asked, refuses (exit 4) as {@link #check} does, unless
     * proxy. A modem another program inhibited already, or that ModemManager does not manage,
     * is used with a note.
     */
    Inhibition inhibit(Output out, boolean realDevices, List<Device> devices, boolean noInhibit, boolean proxy) {
        Source s = source(realDevices);
        if (s.assumeRunning()) {
            refuseOrWarn(out, proxy, noInhibit ? ModemManagerCheck.noInhibitAdvice(false)
                    : ModemManagerCheck.advice(false), ModemManagerCheck.advice(true));
            return Inhibition.none();
        }
        if (!s.ask()) {
            return Inhibition.none();
        }
        ModemManagerBus bus;
        String owner;
        try {
            bus = ModemManagerBus.connect(s.address());
        } catch (IOException e) {
            out.trace("no system bus, so no ModemManager (" + e.getMessage() + ")");
            return Inhibition.none();
        }
        try {
            owner = bus.owner();
        } catch (IOException e) {
            bus.close();
            throw new Failure(ExitCode.DEVICE_BUSY, "cannot tell whether ModemManager runs: " + e.getMessage());
        }
        if (owner == null) {
            bus.close();
            return Inhibition.none();
        }
        if (noInhibit) {
            bus.close();
            refuseOrWarn(out, proxy, ModemManagerCheck.noInhibitAdvice(false), ModemManagerCheck.advice(true));
            return Inhibition.none();
        }
        Inhibition held;
        try {
            held = Inhibition.hold(bus, owner, devices, out::trace);
        } catch (ModemManagerBus.Refused e) {
            throw new Failure(ExitCode.DEVICE_BUSY, "ModemManager refused to inhibit the modem (" + e.name()
                    + ": " + e.getMessage() + "); stop it (systemctl stop ModemManager) and run the same command again");
        } catch (IOException e) {
            throw new Failure(ExitCode.DEVICE_BUSY, "cannot inhibit the modem in ModemManager: " + e.getMessage()
                    + "; stop it (systemctl stop ModemManager) and run the same command again");
        }
        for (Inhibition.Result r : held.results()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("device", r.device().port());
            f.put("uid", r.uid());
            f.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            out.event("modemmanager", f);
            out.note("modemflash: " + r.device().port() + ": " + switch (r.outcome()) {
                case INHIBITED -> "inhibited in ModemManager for the update";
                case ALREADY_INHIBITED -> "already inhibited in ModemManager by another program; going on";
                case NOT_MANAGED -> "ModemManager runs but does not manage this modem; going on";
            });
        }
        return held;
    }

    private Source source(boolean realDevices) {
        String a = answer != null ? answer : System.getenv(ENV);
        String v = a == null || a.isBlank() ? "detect" : a.strip();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.equals("detect")) {
            return new Source(realDevices, null, false);
        }
        if (lower.equals("bus")) {
            return new Source(true, null, false);
        }
        if (lower.startsWith("bus=") && v.length() > 4) {
            return new Source(true, v.substring(4), false);
        }
        if (lower.equals("running")) {
            return new Source(false, null, true);
        }
        if (lower.equals("absent")) {
            return new Source(false, null, false);
        }
        throw new Failure(ExitCode.USAGE, "--modemmanager (or " + ENV + ") '" + a
                + "': expected detect, bus, bus=ADDRESS, running or absent");
    }
}
