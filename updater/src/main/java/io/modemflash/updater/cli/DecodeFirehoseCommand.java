package io.modemflash.updater.cli;

import io.modemflash.updater.api.Output;
import io.modemflash.qdl.firehose.FirehoseDescriber;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * `modemflash decode firehose HEX...`: Firehose documents (logs, responses, commands) with
 * their attributes. Input that starts with '<' is taken as the XML text itself.
 */
@Command(name = "firehose",
        mixinStandardHelpOptions = true,
        modelTransformer = DecodeInput.HexArguments.class,
        description = {"Decode Firehose XML documents given as hex (or as XML text starting with '<').",
                "Use '-' to read from standard input."})
public final class DecodeFirehoseCommand implements Callable<Integer> {
    @Mixin
    OutputOptions options;

    @Parameters(arity = "1..*", paramLabel = "HEX", description = "Hex bytes or XML text, or '-' for stdin.")
    List<String> hex;

    @Override
    public Integer call() throws IOException {
        String in = DecodeInput.text(hex);
        byte[] b = in.stripLeading().startsWith("<") ? in.strip().getBytes(StandardCharsets.UTF_8)
                : DecodeInput.bytes(in);
        return DecodeHdlcCommand.report("firehose", FirehoseDescriber.describe(b), options.output());
    }
}
