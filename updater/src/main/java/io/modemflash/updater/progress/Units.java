package io.modemflash.updater.progress;

import java.util.Locale;

/** Human renderings of sizes, rates and times for progress lines. */
public final class Units {
    private Units() {
    }

    /** Binary units: 512 B, 12.3 KiB, 4.00 GiB. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    /** Decimal rate, as USB throughput is usually quoted: 41.2 MB/s. */
    public static String rate(double bytesPerSecond) {
        if (bytesPerSecond < 1000) {
            return String.format(Locale.ROOT, "%.0f B/s", bytesPerSecond);
        }
        if (bytesPerSecond < 1e6) {
            return String.format(Locale.ROOT, "%.1f kB/s", bytesPerSecond / 1e3);
        }
        if (bytesPerSecond < 1e9) {
            return String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f GB/s", bytesPerSecond / 1e9);
    }

    /** m:ss, or h:mm:ss from an hour on; "?" when unknown. */
    public static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
