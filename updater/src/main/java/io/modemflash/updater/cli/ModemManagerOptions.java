package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Output;
import io.modemflash.updater.pipeline.ModemManagerCheck;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.Map;

/**
 * Is ModemManager in the way? It probes modem and boot-mode ports and breaks the boot
 * protocols (PROTOCOLS.md 2 and 8.3). The system is asked only for real devices (/sys,
 * /dev), never for the emulator's trees; the hidden --modemmanager (env
 * MODEMFLASH_MODEMMANAGER) gives the answer instead, for tests and benches. Picocli mixin of
 * update, boot-mode and download.
 */
public final class ModemManagerOptions {
    public static final String ENV = "MODEMFLASH_MODEMMANAGER";

    @Option(names = "--modemmanager", hidden = true, paramLabel = "detect|running|absent",
            description = "Whether ModemManager counts as running (default detect: ask the system bus for real "
                    + "devices); env " + ENV + ".")
    String answer;

    /**
     * While ModemManager runs: without goOn a device-busy failure (exit 4) with the refusal;
     * with it a warning event and note, and the command goes on.
     */
    void check(Output out, boolean realDevices, boolean goOn, String refusal, String warning) {
        if (!running(realDevices)) {
            return;
        }
        if (!goOn) {
            throw new Failure(ExitCode.DEVICE_BUSY, refusal);
        }
        out.event("warning", Map.of("message", warning));
        out.note("modemflash: warning: " + warning);
    }

    private boolean running(boolean realDevices) {
        String a = answer != null ? answer : System.getenv(ENV);
        return switch (a == null || a.isBlank() ? "detect" : a.toLowerCase(Locale.ROOT)) {
            case "running" -> true;
            case "absent" -> false;
            case "detect" -> realDevices && ModemManagerCheck.running();
            default -> throw new Failure(ExitCode.USAGE, "--modemmanager (or " + ENV + ") '" + a
                    + "': expected detect, running or absent");
        };
    }
}
