package io.modemflash.updater.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * `modemflash decode <protocol> HEX...`: explains captured bytes offline. Each protocol is a
 * sibling subcommand in its own class (qmi here; hdlc, sahara, firehose from their owners).
 */
@Command(name = "decode",
        mixinStandardHelpOptions = true,
        description = "Explain captured protocol bytes (hex) for a technician.",
        subcommands = {
                DecodeQmiCommand.class,
                DecodeHdlcCommand.class,
                DecodeSaharaCommand.class,
                DecodeFirehoseCommand.class,
        })
public final class DecodeCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing protocol: decode qmi|... HEX");
    }
}
