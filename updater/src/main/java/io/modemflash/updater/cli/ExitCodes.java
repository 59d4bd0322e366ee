package io.modemflash.updater.cli;

/**
 * Maps the exceptions of every module to an exit code. Modules know nothing of exit codes;
 * this is the one place that decides. Unknown exceptions are internal errors (bugs).
 */
public final class ExitCodes {
    private ExitCodes() {
    }

    public static ExitCode classify(Throwable t) {
        if (t instanceof CliFailure f) {
            return f.exitCode();
        }
        if (FailureHandler.isInterrupt(t)) {
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
}
