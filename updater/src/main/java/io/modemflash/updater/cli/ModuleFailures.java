package io.modemflash.updater.cli;

/**
 * The exception types of the library modules and the exit code each one means.
 * Extend this table when a module adds an exception type.
 */
final class ModuleFailures {
    private ModuleFailures() {
    }

    /** Returns null when the exception type is not one of ours. */
    static ExitCode classify(Throwable t) {
        return null;
    }
}
