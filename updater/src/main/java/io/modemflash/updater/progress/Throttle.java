package io.modemflash.updater.progress;

/**
 * Decides which progress updates are worth printing: the first, the last, and then one per
 * percent step or per interval, whichever comes first. Pure (the caller passes the clock) so
 * it is tested without sleeping.
 */
public final class Throttle {
    private final long intervalNanos;
    private final double step;
    private long lastAt;
    private double lastFraction = -1;

    /**
     * @param intervalNanos the longest quiet time while bytes move (e.g. 250 ms)
     * @param step          the fraction that always deserves an update (0.01 = 1 %)
     */
    public Throttle(long intervalNanos, double step) {
        this.intervalNanos = intervalNanos;
        this.step = step;
    }

    public static Throttle json() {
        return new Throttle(250_000_000L, 0.01);
    }

    /** A terminal line is redrawn at most every 100 ms; percent steps alone do not force a redraw. */
    public static Throttle terminal() {
        return new Throttle(100_000_000L, 2.0);
    }

    /** True when this update should be shown; records it as shown. */
    public boolean due(long nowNanos, long done, long total) {
        double f = total <= 0 ? 1.0 : Math.min(1.0, (double) done / total);
        boolean show = lastFraction < 0 || done >= total || f - lastFraction >= step
                || nowNanos - lastAt >= intervalNanos;
        if (show) {
            lastAt = nowNanos;
            lastFraction = f;
        }
        return show;
    }
}
