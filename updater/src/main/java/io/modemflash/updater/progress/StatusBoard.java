package io.modemflash.updater.progress;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Several modems updating at once on a terminal: one line per modem (stage, image, percent,
 * rate), redrawn in place at most every 200 ms. Thread-safe: every pipeline reports to it.
 */
public final class StatusBoard implements AutoCloseable {
    private static final long REDRAW_NANOS = 200_000_000L;
    private final PrintStream err;
    private final Map<String, String> lines = new LinkedHashMap<>();
    private int drawn;
    private long lastDraw;

    public StatusBoard(PrintStream err, List<String> ports) {
        this.err = err;
        ports.forEach(p -> lines.put(p, "waiting"));
        draw(true);
    }

    public synchronized void stage(String port, String stage) {
        lines.put(port, stage);
        draw(true);
    }

    public synchronized void progress(String port, String stage, String image, long done, long total, double rate) {
        int pct = total <= 0 ? 100 : (int) (100 * done / total);
        lines.put(port, String.format(Locale.ROOT, "%s  %s  %3d %%  %s", stage, image, pct, Units.rate(rate)));
        draw(false);
    }

    public synchronized void done(String port, String outcome) {
        lines.put(port, outcome);
        draw(true);
    }

    private void draw(boolean now) {
        long t = System.nanoTime();
        if (!now && t - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = t;
        StringBuilder sb = new StringBuilder();
        if (drawn > 0) {
            sb.append("\033[").append(drawn).append('A'); // back to the first line
        }
        lines.forEach((port, line) -> sb.append('\r').append(String.format(Locale.ROOT, "%-12s %s", port, line))
                .append("\033[K\n"));
        drawn = lines.size();
        err.print(sb);
        err.flush();
    }

    @Override
    public synchronized void close() {
        draw(true);
    }
}
