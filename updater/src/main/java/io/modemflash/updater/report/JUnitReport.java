package io.modemflash.updater.report;

import io.modemflash.updater.api.Output;
import io.modemflash.updater.api.Version;
import io.modemflash.updater.pipeline.Stage;
import io.modemflash.updater.pipeline.UpdatePipeline;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * `update --junit FILE`: the run as JUnit XML, the format Jenkins and GitLab show as test
 * results. One testsuite per modem ("modemflash update 2-1.4") holding one testcase per stage
 * (inspect, probe, ..., verify; a failed stage carries a failure typed with the exit code's
 * label, a stage that did not run is skipped and says why) and one testcase for the modem as a
 * whole. It follows the stages through the stage-start/stage-end events every pipeline emits
 * (the same ones --json prints), so it reports what happened, not what was planned.
 */
public final class JUnitReport implements Output.Listener {
    /** classname of every testcase: Jenkins shows package "modemflash", class "update". */
    static final String CLASS_NAME = "modemflash.update";
    /** Stages of the run itself (no "device": inspect), shown in every modem's suite. */
    private static final String RUN = "";

    private static final class StageCase {
        final String stage;
        final long started;
        long ended = -1;
        boolean ok;
        String error;
        String message;
        String skipped;

        StageCase(String stage, long started) {
            this.stage = stage;
            this.started = started;
        }

        double seconds() {
            return ((ended < 0 ? started : ended) - started) / 1e9;
        }
    }

    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private final Map<String, Map<String, StageCase>> stagesByDevice = new LinkedHashMap<>();

    @Override
    public synchronized void event(String name, Map<String, ?> fields) {
        boolean start = name.equals("stage-start");
        if (!start && !name.equals("stage-end") || fields.get("stage") == null) {
            return;
        }
        Object device = fields.get("device");
        String stage = fields.get("stage").toString();
        Map<String, StageCase> stages = stagesByDevice.computeIfAbsent(device == null ? RUN : device.toString(),
                d -> new LinkedHashMap<>());
        if (start) {
            stages.put(stage, new StageCase(stage, System.nanoTime()));
            return;
        }
        StageCase c = stages.computeIfAbsent(stage, s -> new StageCase(s, System.nanoTime()));
        c.ended = System.nanoTime();
        c.ok = Boolean.TRUE.equals(fields.get("ok"));
        c.error = text(fields.get("error"));
        c.message = text(fields.get("message"));
        c.skipped = text(fields.get("skipped"));
    }

    /** Writes the report for these per-modem results (replacing FILE whole, never leaving half of it). */
    public synchronized void write(Path file, String packageName, List<UpdatePipeline.Result> results) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (OutputStream o = Files.newOutputStream(tmp)) {
                XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(o, "UTF-8");
                writeTo(new Xml(x), packageName, results);
                x.close();
            } catch (XMLStreamException e) {
                throw new IOException("writing " + file + ": " + e.getMessage(), e);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void writeTo(Xml x, String packageName, List<UpdatePipeline.Result> results) throws XMLStreamException {
        List<Suite> suites = new ArrayList<>();
        if (results.isEmpty()) { // the package failed inspection: no modem was reached
            suites.add(suite("modemflash update", RUN, null));
        }
        for (UpdatePipeline.Result r : results) {
            suites.add(suite("modemflash update " + r.port(), r.port(), r));
        }
        x.w.writeStartDocument("UTF-8", "1.0");
        x.open("testsuites", "name", "modemflash update", "tests", suites.stream().mapToInt(Suite::tests).sum(),
                "failures", suites.stream().mapToInt(Suite::failures).sum(), "errors", 0,
                "skipped", suites.stream().mapToInt(Suite::skipped).sum(),
                "time", seconds((System.nanoTime() - startNanos) / 1e9));
        for (Suite s : suites) {
            x.open("testsuite", "name", s.name, "tests", s.tests(), "failures", s.failures(), "errors", 0,
                    "skipped", s.skipped(), "time", seconds(s.time()),
                    "timestamp", DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                            startedAt.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)),
                    "hostname", hostname());
            x.open("properties");
            x.empty("property", "name", "package", "value", packageName);
            x.empty("property", "name", "modemflash", "value", Version.full());
            x.close();
            for (Case c : s.cases) {
                boolean leaf = c.failure == null && c.skipped == null;
                if (leaf) {
                    x.empty("testcase", "classname", CLASS_NAME, "name", c.name, "time", seconds(c.time));
                    continue;
                }
                x.open("testcase", "classname", CLASS_NAME, "name", c.name, "time", seconds(c.time));
                if (c.failure != null) {
                    x.text("failure", c.failure, "type", c.failureType, "message", c.failure);
                } else {
                    x.empty("skipped", "message", c.skipped);
                }
                x.close();
            }
            x.close();
        }
        x.close();
        x.w.writeCharacters("\n");
        x.w.writeEndDocument();
    }

    private record Case(String name, double time, String failureType, String failure, String skipped) {
    }

    private record Suite(String name, List<Case> cases, double time) {
        int tests() {
            return cases.size();
        }

        int failures() {
            return (int) cases.stream().filter(c -> c.failure != null).count();
        }

        int skipped() {
            return (int) cases.stream().filter(c -> c.skipped != null).count();
        }
    }

    /** A modem's suite: the run's stages and its own, each stage once in pipeline order, then the modem. */
    private Suite suite(String name, String device, UpdatePipeline.Result result) {
        Map<String, StageCase> own = new LinkedHashMap<>(stagesByDevice.getOrDefault(RUN, Map.of()));
        own.putAll(stagesByDevice.getOrDefault(device, Map.of()));
        List<Case> cases = new ArrayList<>();
        String prefix = result == null ? "" : device + ": ";
        String stoppedAt = null;
        double total = 0;
        for (Stage stage : Stage.values()) {
            StageCase c = own.get(stage.label());
            if (c == null) {
                cases.add(new Case(prefix + stage.label(), 0, null, null, stoppedAt != null
                        ? "not reached: the update stopped at " + stoppedAt
                        : result != null && !result.ok() ? "not reached: " + result.message() : "not run"));
                continue;
            }
            total += c.seconds();
            if (c.ended < 0 || !c.ok) {
                String why = c.message != null ? c.message : "did not finish";
                cases.add(new Case(prefix + stage.label(), c.seconds(), c.error != null ? c.error : "failed", why, null));
                stoppedAt = stage.label();
            } else if (c.skipped != null) {
                cases.add(new Case(prefix + stage.label(), c.seconds(), null, null, c.skipped));
            } else {
                cases.add(new Case(prefix + stage.label(), c.seconds(), null, null, null));
            }
        }
        if (result != null) {
            Object skipped = result.fields().get("skipped");
            cases.add(new Case(device, total, result.ok() ? null : result.exitCode().label(),
                    result.ok() ? null : result.message(), result.ok() && skipped != null ? skipped.toString() : null));
        }
        return new Suite(name, cases, total);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Indented elements with attributes given as name, value pairs. */
    private static final class Xml {
        final XMLStreamWriter w;
        int depth;

        Xml(XMLStreamWriter w) {
            this.w = w;
        }

        void open(String element, Object... attributes) throws XMLStreamException {
            indent();
            w.writeStartElement(element);
            attributes(attributes);
            depth++;
        }

        void empty(String element, Object... attributes) throws XMLStreamException {
            indent();
            w.writeEmptyElement(element);
            attributes(attributes);
        }

        void text(String element, String text, Object... attributes) throws XMLStreamException {
            indent();
            w.writeStartElement(element);
            attributes(attributes);
            w.writeCharacters(text);
            w.writeEndElement();
        }

        void close() throws XMLStreamException {
            depth--;
            indent();
            w.writeEndElement();
        }

        private void attributes(Object... a) throws XMLStreamException {
            for (int i = 0; i < a.length; i += 2) {
                w.writeAttribute((String) a[i], String.valueOf(a[i + 1]));
            }
        }

        private void indent() throws XMLStreamException {
            w.writeCharacters("\n" + "  ".repeat(depth));
        }
    }
}
