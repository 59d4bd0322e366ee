package io.modemflash.updater.cli;

import io.modemflash.updater.api.Output;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One CLI invocation in-process: exit code, the JSON events on stdout, the rest of stdout and
 * stderr. Test helper for any command's tests.
 */
public record CliRun(int code, List<JsonNode> events, String out, String err) {

    public static CliRun of(String... args) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : o.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{")) {
                events.add(Output.mapper().readTree(line));
            }
        }
        return new CliRun(code, events, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** The last JSON event (the result under --json). */
    public JsonNode last() {
        return events.get(events.size() - 1);
    }

    /** The one per-device result of a single-modem run (the overall result has no device). */
    public JsonNode deviceResult() {
        List<JsonNode> results = events.stream()
                .filter(e -> e.path("event").asText().equals("result") && e.has("device")).toList();
        if (results.size() != 1) {
            throw new AssertionError("expected one per-device result, got " + results + " in " + events);
        }
        return results.get(0);
    }

    public long count(String event) {
        return events.stream().filter(e -> e.path("event").asText().equals(event)).count();
    }
}
