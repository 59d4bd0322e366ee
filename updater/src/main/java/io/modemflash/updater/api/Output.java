package io.modemflash.updater.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where a command or a pipeline writes. Human text: stdout normally, stderr under --json.
 * JSON Lines events: stdout, one object per line, only under --json. Traces: stderr, only
 * under -v.
 *
 * <p>The JSON vocabulary is stable: every object starts with {@code "event"}, then
 * {@code device}, {@code stage}, {@code ok}, {@code exit_code}, {@code error},
 * {@code message} where present, then the event's own keys in the order the caller gave
 * them (sorted when the caller's map has no order), so the same run prints the same bytes.
 * Every {@code result} carries {@code "version"}. A {@code result} without {@code device}
 * is the run's overall result and the last line a run prints.
 */
public final class Output {
    /** Jackson comes up with the first JSON line, not with every run (its ~370 classes cost start-up). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    private static final List<String> LEADING = List.of("event", "device", "stage", "ok", "exit_code", "error",
            "message");
    /** Set once the overall result was printed: a signal arriving later must not print a second one. */
    private static final AtomicBoolean OVERALL_RESULT_PRINTED = new AtomicBoolean();

    private final boolean json;
    private final boolean verbose;
    private final PrintStream out;
    private final PrintStream err;

    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Output(boolean json, boolean verbose, PrintStream out, PrintStream err) {
        this.json = json;
        this.verbose = verbose;
        this.out = out;
        this.err = err;
    }

    public static ObjectMapper mapper() {
        return Json.MAPPER;
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

    /** Sees every event, printed or not (update's JUnit report follows the stages through it). */
    @FunctionalInterface
    public interface Listener {
        void event(String name, Map<String, ?> fields);
    }

    /** Adds a listener for the events that follow. */
    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /** A JSON Lines event: {"event": name, ...fields}. Printed only with --json. */
    public void event(String name, Map<String, ?> fields) {
        for (Listener l : listeners) {
            l.event(name, fields);
        }
        if (!json) {
            return;
        }
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("event", name);
        node.setAll((ObjectNode) Json.MAPPER.valueToTree(ordered(fields)));
        emit(node);
    }

    /**
     * The overall result of a run (no {@code device}): ok when the exit code is 0. The last
     * line of every --json run; printed at most once per process.
     */
    public void result(ExitCode code, String message, Map<String, ?> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", code == ExitCode.OK);
        m.put("exit_code", code.code);
        if (code != ExitCode.OK) {
            m.put("error", code.label());
        }
        if (message != null) {
            m.put("message", message);
        }
        m.putAll(ordered(fields));
        if (!json) {
            return;
        }
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("event", "result");
        node.setAll((ObjectNode) Json.MAPPER.valueToTree(m));
        emit(node);
    }

    /** A new run in this process (tests run many in one JVM): no overall result printed yet. */
    public static void startRun() {
        OVERALL_RESULT_PRINTED.set(false);
    }

    /** Whether the overall result was printed already (by this process). */
    public static boolean overallResultPrinted() {
        return OVERALL_RESULT_PRINTED.get();
    }

    /** A prepared JSON object (must already carry its "event" field); reordered as every event is. */
    public void emit(ObjectNode node) {
        if (!json) {
            return;
        }
        ObjectNode n = canonical(node);
        boolean overall = n.path("event").asText().equals("result") && !n.has("device");
        if (overall && !OVERALL_RESULT_PRINTED.compareAndSet(false, true)) {
            return; // one overall result per run: a signal after the end must not add another
        }
        synchronized (out) {
            out.println(n.toString());
            out.flush();
        }
    }

    /** The stable key order (see the class comment); results get "version". */
    static ObjectNode canonical(ObjectNode node) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        for (String k : LEADING) {
            if (node.has(k)) {
                n.set(k, node.get(k));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!n.has(e.getKey()) && !e.getKey().equals("version")) {
                n.set(e.getKey(), e.getValue());
            }
        }
        if (n.path("event").asText().equals("result")) {
            n.put("version", Version.full());
        }
        return n;
    }

    /** The caller's order when its map has one; sorted otherwise (Map.of iterates differently per run). */
    private static Map<String, ?> ordered(Map<String, ?> fields) {
        if (fields instanceof LinkedHashMap || fields instanceof SortedMap) {
            return fields;
        }
        List<String> keys = new ArrayList<>(fields.keySet());
        keys.sort(null);
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : keys) {
            m.put(k, fields.get(k));
        }
        return m;
    }

    public PrintStream stdout() {
        return out;
    }

    public PrintStream stderr() {
        return err;
    }
}
