package io.modemflash.updater.progress;

import java.util.LinkedHashMap;
import java.util.Map;

/** A transfer's percent, rate and ETA as the JSON {@code progress} event names them (README: factory scripts). */
public final class Rate {
    private Rate() {
    }

    /** image, done, total, percent, bytes_per_second and (once a rate is known) eta_seconds. */
    public static Map<String, Object> fields(String image, long done, long total, long elapsedNanos) {
        double secs = elapsedNanos / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image", image);
        m.put("done", done);
        m.put("total", total);
        m.put("percent", round(total <= 0 ? 100 : 100.0 * done / total));
        m.put("bytes_per_second", Math.round(rate));
        if (rate > 0) {
            m.put("eta_seconds", round((total - done) / rate));
        }
        return m;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
