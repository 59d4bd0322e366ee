package io.modemflash.updater.api;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;

/**
 * Maps the exceptions of every module to an exit code. Modules know nothing of exit codes;
 * this is the one place that decides. Unknown exceptions are internal errors (bugs).
 */
public final class Failures {
    private Failures() {
    }

    public static ExitCode classify(Throwable t) {
        if (t instanceof Failure f) {
            return f.exitCode();
        }
        if (isInterrupt(t)) {
            return ExitCode.INTERRUPTED;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            ExitCode code = ModuleFailures.classify(c);
            if (code != null) {
                return code;
            }
        }
        return ExitCode.INTERNAL;
    }

    public static String message(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return m;
    }

    /** Was t (or a cause) a thread interrupt: Ctrl-C or SIGTERM cancelling the work. */
    public static boolean isInterrupt(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException || c instanceof ClosedByInterruptException
                    || c instanceof InterruptedIOException) {
                return true;
            }
        }
        return false;
    }
}
