package io.modemflash.updater.cli;

import io.modemflash.updater.api.Cancellation;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Output;
import sun.misc.Signal;

import java.util.Map;

/**
 * SIGINT and SIGTERM cancel the run instead of halting the JVM at once: the work unwinds
 * through its failure paths (JSON results, journal, released client ids, temporary files
 * removed) and the process exits 130 or 143. If it has not stopped within {@link #GRACE_MS},
 * or a second signal comes, it prints the overall result itself and exits. sun.misc.Signal is
 * the only way in Java to know which signal came (a shutdown hook cannot tell SIGINT from
 * SIGTERM, nor print a result before the JVM tears down).
 */
final class Signals {
    static final long GRACE_MS = 15_000;

    private Signals() {
    }

    static void install(boolean json) {
        handle("INT", ExitCode.INTERRUPTED, json);
        handle("TERM", ExitCode.TERMINATED, json);
    }

    private static void handle(String name, ExitCode code, boolean json) {
        try {
            Signal.handle(new Signal(name), s -> onSignal(code, json));
        } catch (IllegalArgumentException e) {
            // the JVM reserves it (-Xrs): keep its default handling
        }
    }

    private static synchronized void onSignal(ExitCode code, boolean json) {
        if (Cancellation.cancelled()) {
            exitNow(Cancellation.reason(), json, "a second signal: stopped without cleaning up");
            return;
        }
        System.err.println();
        System.err.println("modemflash: " + code.meaning + ": stopping (a second Ctrl-C stops at once)");
        Cancellation.cancel(code);
        Thread grace = new Thread(() -> {
            try {
                Thread.sleep(GRACE_MS);
            } catch (InterruptedException e) {
                return;
            }
            exitNow(code, json, "did not stop within " + GRACE_MS / 1000 + " s: stopped without cleaning up");
        }, "signal-grace");
        grace.setDaemon(true);
        grace.start();
    }

    private static void exitNow(ExitCode code, boolean json, String why) {
        System.err.println("modemflash: " + code.meaning + ": " + why);
        new Output(json, false, System.out, System.err).result(code, code.meaning + ": " + why, Map.of());
        System.exit(code.code); // shutdown hooks still release QMI client ids and remove temporary files
    }
}
