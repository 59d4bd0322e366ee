package io.modemflash.updater.cli;

import io.modemflash.qmi.Hex;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the `decode` commands read: hex (or XML text) from the arguments or, for a lone '-',
 * from standard input. Bounded: a capture larger than {@link #MAX_CHARS} characters is refused
 * before it is read whole, so a decoder's memory never grows with what was piped in.
 */
final class DecodeInput {
    /**
     * 4 Mi characters (2 MiB of bytes as hex): far more than a capture pasted from a log, and
     * small enough that the worst case (tiny frames, each described) decodes in a 64 MiB heap.
     */
    static final int MAX_CHARS = 4 << 20;

    private DecodeInput() {
    }

    /** The arguments joined, or stdin for a lone '-'. */
    static String text(List<String> args) throws IOException {
        return text(args, System.in, MAX_CHARS);
    }

    static String text(List<String> args, InputStream stdin, int max) throws IOException {
        if (args.size() == 1 && args.get(0).equals("-")) {
            Reader r = new InputStreamReader(stdin, StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[8192];
            for (int n; (n = r.read(buf)) > 0; ) {
                if (sb.length() + n > max) {
                    throw new Failure(ExitCode.USAGE, "standard input holds more than " + max
                            + " characters: decode takes one capture at a time (cut it)");
                }
                sb.append(buf, 0, n);
            }
            return sb.toString();
        }
        String joined = String.join(" ", args);
        if (joined.length() > max) {
            throw new Failure(ExitCode.USAGE, "more than " + max + " characters of input");
        }
        return joined;
    }

    /** Hex text to bytes; usage errors for bad hex or nothing at all. */
    static byte[] bytes(String text) {
        byte[] b;
        try {
            b = Hex.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Failure(ExitCode.USAGE, "bad hex: " + e.getMessage());
        }
        if (b.length == 0) {
            throw new Failure(ExitCode.USAGE, "no bytes to decode");
        }
        return b;
    }

    /**
     * Hex as technicians paste it may start with '-' ({@code decode qmi 01-0c -00-00}): such
     * an argument is hex, not an unknown option. Options the command defines still match.
     */
    static final class HexArguments implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            spec.parser().unmatchedOptionsArePositionalParams(true);
            return spec;
        }
    }
}
