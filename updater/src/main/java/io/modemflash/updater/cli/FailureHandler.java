package io.modemflash.updater.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Map;

/**
 * Turns any failure into one clear line on stderr, a final JSON result event under --json,
 * and a documented exit code. Stack traces only with -v, and only for internal errors.
 */
final class FailureHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        ExitCode code = ExitCodes.classify(ex);
        boolean json = parseResult.hasMatchedOption("--json") || hasSubOption(parseResult, "--json");
        boolean verbose = hasSubOption(parseResult, "-v") || hasSubOption(parseResult, "--verbose");
        String message = ExitCodes.message(ex);
        System.err.println("modemflash: " + message);
        if (code == ExitCode.INTERNAL || verbose) {
            if (verbose) {
                ex.printStackTrace(System.err);
            }
        }
        if (json) {
            new Output(true, false, System.out, System.err).event("result", Map.of(
                    "ok", false, "exit_code", code.code, "error", code.name().toLowerCase().replace('_', '-'),
                    "message", message));
        }
        return code.code;
    }

    private static boolean hasSubOption(ParseResult result, String name) {
        for (ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption(name)) {
                return true;
            }
        }
        return false;
    }

    static int exitCodeOf(Throwable t) {
        return ExitCodes.classify(t).code;
    }

    static int usage(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        cmd.getErr().println("modemflash: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, cmd.getErr());
        cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
        return ExitCode.USAGE.code;
    }

    static boolean isInterrupt(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException || c instanceof ClosedByInterruptException
                    || c instanceof InterruptedIOException) {
                return true;
            }
        }
        return false;
    }
}
