package io.modemflash.updater.cli;

import picocli.CommandLine.Option;

/** Options every subcommand shares (picocli mixin). */
public final class OutputOptions {
    @Option(names = "--json", description = "Print JSON Lines events on stdout; human text goes to stderr.")
    public boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Protocol traces: hex of every frame sent and received (stderr).")
    public boolean verbose;
}
