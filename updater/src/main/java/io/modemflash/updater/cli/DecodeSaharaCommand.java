package io.modemflash.updater.cli;

import io.modemflash.updater.api.Output;
import io.modemflash.qdl.sahara.SaharaDescriber;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

/** `modemflash decode sahara HEX...`: Sahara packets back to back, with status and mode names. */
@Command(name = "sahara",
        mixinStandardHelpOptions = true,
        modelTransformer = DecodeInput.HexArguments.class,
        description = {"Decode Sahara packets given as hex (several may follow each other).",
                "Hex may contain spaces, colons, commas and 0x prefixes; several arguments are concatenated.",
                "Use '-' to read the hex from standard input."})
public final class DecodeSaharaCommand implements Callable<Integer> {
    @Mixin
    OutputOptions options;

    @Parameters(arity = "1..*", paramLabel = "HEX", description = "Hex bytes, or '-' for stdin.")
    List<String> hex;

    @Override
    public Integer call() throws IOException {
        byte[] b = DecodeInput.bytes(DecodeInput.text(hex));
        return DecodeHdlcCommand.report("sahara", SaharaDescriber.describe(b), options.output());
    }
}
