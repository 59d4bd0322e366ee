package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Output;
import io.modemflash.qdl.Decoded;
import io.modemflash.qdl.hdlc.HdlcDescriber;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * `modemflash decode hdlc HEX...`: Sierra QDL frames (7E ... CRC 7E, or one bare payload such
 * as a write-unframed header), with CRC checks and names for error codes. Exit 6 when any
 * part does not decode. Also holds the small shared runner of the boot-protocol decoders.
 */
@Command(name = "hdlc",
        mixinStandardHelpOptions = true,
        modelTransformer = DecodeInput.HexArguments.class,
        description = {"Decode Sierra QDL / DLOAD HDLC frames given as hex.",
                "Hex may contain spaces, colons, commas and 0x prefixes; several arguments are concatenated.",
                "Use '-' to read the hex from standard input."})
public final class DecodeHdlcCommand implements Callable<Integer> {
    @Mixin
    OutputOptions options;

    @Parameters(arity = "1..*", paramLabel = "HEX", description = "Hex bytes, or '-' for stdin.")
    List<String> hex;

    @Override
    public Integer call() throws IOException {
        return report("hdlc", HdlcDescriber.describe(DecodeInput.bytes(DecodeInput.text(hex))), options.output());
    }

    /** Prints every entry (text, or one JSON event each) and the result; exit 6 on any error. */
    static int report(String protocol, List<Decoded> entries, Output out) {
        int bad = 0;
        for (Decoded d : entries) {
            out.text(d.render());
            out.event(protocol, d.toMap());
            if (d.isError()) {
                bad++;
            }
        }
        boolean ok = !entries.isEmpty() && bad == 0;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ok", ok);
        result.put("exit_code", ok ? ExitCode.OK.code : ExitCode.PROTOCOL.code);
        result.put("decoded", entries.size() - bad);
        result.put("problems", bad);
        out.event("result", result);
        return ok ? ExitCode.OK.code : ExitCode.PROTOCOL.code;
    }
}
