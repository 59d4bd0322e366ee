package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Output;
import io.modemflash.qmi.QmiDescriber;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * `modemflash decode qmi HEX...`: every QMUX frame in the bytes (several frames, noise and cut
 * frames allowed), with header fields, TLVs and the typed fields of known messages. Exit code
 * 6 (protocol) when the bytes hold a malformed or incomplete frame or no frame at all.
 */
@Command(name = "qmi",
        mixinStandardHelpOptions = true,
        modelTransformer = DecodeInput.HexArguments.class,
        description = {"Decode QMUX/QMI frames given as hex.",
                "Hex may contain spaces, colons, commas and 0x prefixes; several arguments are concatenated.",
                "Use '-' to read the hex from standard input."})
public final class DecodeQmiCommand implements Callable<Integer> {
    @Mixin
    OutputOptions options;

    @Parameters(arity = "1..*", paramLabel = "HEX", description = "Hex bytes, or '-' for stdin.")
    List<String> hex;

    @Override
    public Integer call() throws IOException {
        Output out = options.output();
        byte[] bytes = DecodeInput.bytes(DecodeInput.text(hex));
        List<QmiDescriber.Entry> entries = QmiDescriber.describe(bytes);
        int frames = 0;
        int bad = 0;
        boolean first = true;
        for (QmiDescriber.Entry e : entries) {
            if (!first) {
                out.text(""); // a blank line between frames
            }
            first = false;
            out.text(QmiDescriber.render(List.of(e)).stripTrailing()); // one at a time: no text of the whole capture
            out.event("qmi", e.toMap());
            if (e instanceof QmiDescriber.Described d) {
                frames++;
                if (d.decodeError() != null) {
                    bad++;
                }
            } else if (!(e instanceof QmiDescriber.Garbage)) {
                bad++;
            }
        }
        boolean ok = frames > 0 && bad == 0;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ok", ok);
        result.put("exit_code", ok ? ExitCode.OK.code : ExitCode.PROTOCOL.code);
        result.put("frames", frames);
        result.put("problems", bad);
        out.event("result", result);
        return ok ? ExitCode.OK.code : ExitCode.PROTOCOL.code;
    }
}
