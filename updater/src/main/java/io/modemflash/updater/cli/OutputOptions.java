package io.modemflash.updater.cli;

import io.modemflash.updater.api.Output;
import picocli.CommandLine.Option;

/** Options every subcommand shares (picocli mixin). */
public final class OutputOptions {
    @Option(names = "--json", description = "Print JSON Lines events on stdout; human text goes to stderr.")
    public boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Protocol traces: hex of every frame sent and received (stderr).")
    public boolean verbose;

    /** Where the command writes: stdout and stderr with these flags. */
    public Output output() {
        return new Output(json, verbose, System.out, System.err);
    }
}
