package io.modemflash.updater.progress;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modemflash.qdl.download.DownloadEvent;
import io.modemflash.qdl.download.DownloadListener;
import io.modemflash.updater.api.Output;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Shows a download's events to a person or a program.
 * <ul>
 * <li>On a terminal: one line per image redrawn in place with bytes, percent, rate and ETA,
 *     left as a summary when the image is done.</li>
 * <li>In a pipe: no progress, one line per step and per finished image.</li>
 * <li>With --json: {@code step}, {@code image} (started/done/skipped), {@code progress}
 *     (throttled to 1 % or 250 ms), {@code warning} and, with -v, {@code log} events, each
 *     carrying {@code "stage"} (e.g. "download").</li>
 * </ul>
 * Human text goes to stderr. Used on the downloading thread only.
 */
public final class DownloadProgress implements DownloadListener {
    private final Output out;
    private final boolean terminal;
    private final String stage;
    private final LongSupplier clock;
    private String image;
    private String target;
    private long startedAt;
    private Throttle jsonThrottle;
    private Throttle lineThrottle;
    private boolean lineOpen;

    /**
     * @param out      where to write (its json/verbose flags apply)
     * @param terminal draw the in-place progress line (see {@link #stderrIsTerminal()})
     * @param stage    the pipeline stage the events belong to
     * @param clock    nanosecond clock (System::nanoTime; tests pass their own)
     */
    public DownloadProgress(Output out, boolean terminal, String stage, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal && !out.json();
        this.stage = stage;
        this.clock = clock;
    }

    /** For the CLI: a progress line only when stderr is a terminal. */
    public static DownloadProgress forCli(Output out) {
        return new DownloadProgress(out, stderrIsTerminal(), "download", System::nanoTime);
    }

    /** A console is attached and stderr goes to a terminal (not a pipe or file), and TERM is not dumb. */
    public static boolean stderrIsTerminal() {
        if (System.console() == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            String t = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty") || t.startsWith("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public void on(DownloadEvent event) {
        if (event instanceof DownloadEvent.Stage s) {
            closeLine();
            ObjectNode n = node("step");
            n.put("step", s.stage());
            n.put("detail", s.detail());
            out.emit(n);
            // a step that starts, not one that succeeded: its failure may follow
            human((s.detail() == null ? s.stage() : s.stage() + ": " + s.detail()) + " ...");
        } else if (event instanceof DownloadEvent.ImageStarted s) {
            closeLine();
            image = s.image();
            target = s.target();
            startedAt = clock.getAsLong();
            jsonThrottle = Throttle.json();
            lineThrottle = Throttle.terminal();
            ObjectNode n = node("image");
            n.put("status", "started");
            n.put("image", s.image());
            n.put("target", s.target());
            n.put("bytes", s.bytes());
            out.emit(n);
        } else if (event instanceof DownloadEvent.ImageProgress p) {
            progress(p);
        } else if (event instanceof DownloadEvent.ImageDone d) {
            double secs = d.took().toNanos() / 1e9;
            double rate = secs > 0 ? d.bytes() / secs : 0;
            ObjectNode n = node("image");
            n.put("status", "done");
            n.put("image", d.image());
            n.put("target", d.target());
            n.put("bytes", d.bytes());
            n.put("seconds", round(secs));
            n.put("bytes_per_second", Math.round(rate));
            out.emit(n);
            String line = String.format(Locale.ROOT, "%s  %s in %.1f s (%s)", label(d.image(), d.target()),
                    Units.bytes(d.bytes()), secs, Units.rate(rate));
            if (lineOpen) {
                drawLine(line);
                closeLine();
            } else {
                human(line);
            }
            image = null;
        } else if (event instanceof DownloadEvent.ImageSkipped s) {
            closeLine();
            ObjectNode n = node("image");
            n.put("status", "skipped");
            n.put("image", s.image());
            n.put("reason", s.reason());
            out.emit(n);
            human(s.image() + "  skipped: " + s.reason());
        } else if (event instanceof DownloadEvent.Warning w) {
            closeLine();
            ObjectNode n = node("warning");
            n.put("message", w.text());
            out.emit(n);
            out.note("warning: " + w.text());
        } else if (event instanceof DownloadEvent.Log l) {
            if (out.verbose()) {
                closeLine();
                ObjectNode n = node("log");
                n.put("text", l.text());
                out.emit(n);
                out.note("device: " + l.text());
            }
        }
    }

    private void progress(DownloadEvent.ImageProgress p) {
        long now = clock.getAsLong();
        double secs = (now - startedAt) / 1e9;
        double rate = secs > 0 ? p.done() / secs : 0;
        double eta = rate > 0 ? (p.total() - p.done()) / rate : Double.NaN;
        if (out.json() && (jsonThrottle == null || jsonThrottle.due(now, p.done(), p.total()))) {
            ObjectNode n = node("progress");
            Map<String, Object> f = Rate.fields(p.image(), p.done(), p.total(), now - startedAt);
            f.forEach((k, v) -> n.set(k, Output.mapper().valueToTree(v)));
            n.put("target", target);
            out.emit(n);
        }
        if (terminal && (lineThrottle == null || lineThrottle.due(now, p.done(), p.total()))) {
            int pct = p.total() <= 0 ? 100 : (int) (100 * p.done() / p.total());
            drawLine(String.format(Locale.ROOT, "%s  %s / %s  %3d %%  %s  ETA %s", label(p.image(), target),
                    Units.bytes(p.done()), Units.bytes(p.total()), pct, Units.rate(rate), Units.duration(eta)));
        }
    }

    private String label(String img, String tgt) {
        return tgt == null ? img : img + " -> " + tgt;
    }

    private ObjectNode node(String event) {
        ObjectNode n = Output.mapper().createObjectNode();
        n.put("event", event);
        n.put("stage", stage);
        return n;
    }

    /** A line for a person: stderr, unless JSON already tells the story. */
    private void human(String line) {
        if (!out.json()) {
            out.note(line);
        }
    }

    private void drawLine(String line) {
        PrintStream err = out.stderr();
        err.print("\r" + line + "\033[K");
        err.flush();
        lineOpen = true;
    }

    private void closeLine() {
        if (lineOpen) {
            out.stderr().println();
            lineOpen = false;
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
