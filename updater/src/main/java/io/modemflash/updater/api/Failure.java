package io.modemflash.updater.api;

/**
 * A failure with its exit code and a one-line message: what a command or a pipeline stage
 * throws when it knows why it failed. Reported as that line plus the code, never as a stack
 * trace.
 */
public class Failure extends RuntimeException {
    private final ExitCode exitCode;

    public Failure(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public Failure(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
