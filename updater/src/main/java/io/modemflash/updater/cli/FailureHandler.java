package io.modemflash.updater.cli;

import io.modemflash.updater.api.Cancellation;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failures;
import io.modemflash.updater.api.Output;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import java.util.Arrays;
import java.util.Map;

/**
 * Turns any failure into one clear line on stderr, a final JSON result event under --json,
 * and a documented exit code. Stack traces only for internal errors, and only with -v.
 */
final class FailureHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        ExitCode code = Cancellation.cancelled() ? Cancellation.reason() : Failures.classify(ex);
        boolean json = hasSubOption(parseResult, "--json");
        boolean verbose = hasSubOption(parseResult, "-v") || hasSubOption(parseResult, "--verbose");
        String message = Cancellation.cancelled() ? code.meaning + " (" + Failures.message(ex) + ")"
                : Failures.message(ex);
        System.err.println("modemflash: " + message);
        if (code == ExitCode.INTERNAL && verbose) {
            ex.printStackTrace(System.err);
        }
        new Output(json, false, System.out, System.err).result(code, message, Map.of());
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
        return Failures.classify(t).code;
    }

    /** A bad option or argument: the message, suggestions, how to get help; under --json a result line. */
    static int usage(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        cmd.getErr().println("modemflash: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, cmd.getErr());
        cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
        new Output(Arrays.asList(args).contains("--json"), false, System.out, System.err)
                .result(ExitCode.USAGE, ex.getMessage(), Map.of());
        return ExitCode.USAGE.code;
    }
}
