package io.modemflash.updater.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.util.Map;

/**
 * Where a command writes. Human text: stdout normally, stderr under --json. JSON Lines
 * events: stdout, one object per line, only under --json. Traces: stderr, only under -v.
 */
public final class Output {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final boolean json;
    private final boolean verbose;
    private final PrintStream out;
    private final PrintStream err;

    public Output(OutputOptions options) {
        this(options.json, options.verbose, System.out, System.err);
    }

    public Output(boolean json, boolean verbose, PrintStream out, PrintStream err) {
        this.json = json;
        this.verbose = verbose;
        this.out = out;
        this.err = err;
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public boolean json() {
        return json;
    }

    public boolean verbose() {
        return verbose;
    }

    /** Human-readable text: the result itself (stdout) unless JSON owns stdout. */
    public void text(String line) {
        (json ? err : out).println(line);
    }

    /** Diagnostics for a human: always stderr. */
    public void note(String line) {
        err.println(line);
    }

    /** Protocol trace line, shown with -v. */
    public void trace(String line) {
        if (verbose) {
            err.println(line);
        }
    }

    /** A JSON Lines event: {"event": name, ...fields}. Printed only with --json. */
    public void event(String name, Map<String, ?> fields) {
        if (!json) {
            return;
        }
        ObjectNode node = MAPPER.createObjectNode();
        node.put("event", name);
        node.setAll((ObjectNode) MAPPER.valueToTree(fields));
        emit(node);
    }

    /** A prepared JSON object (must already carry its "event" field). */
    public void emit(ObjectNode node) {
        if (!json) {
            return;
        }
        synchronized (out) {
            out.println(node.toString());
            out.flush();
        }
    }

    public PrintStream stdout() {
        return out;
    }

    public PrintStream stderr() {
        return err;
    }
}
