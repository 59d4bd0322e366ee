package io.modemflash.updater.pipeline;

import java.time.Duration;
import java.util.Locale;

/** The stages of an update (DESIGN.md 1), in order, with their default timeouts. */
public enum Stage {
    INSPECT(Duration.ofMinutes(10)),
    PROBE(Duration.ofSeconds(60)),
    PLAN(Duration.ofSeconds(10)),
    ENTER_DOWNLOAD(Duration.ofSeconds(60)),
    /** libqmi waits 120 s for each re-enumeration; an MC7455 needs ~70 s. */
    AWAIT_DOWNLOAD_DEVICE(Duration.ofSeconds(120)),
    DOWNLOAD(Duration.ofMinutes(60)),
    RESET(Duration.ofSeconds(60)),
    /** 120 s to re-enumerate, then QMI polled (libqmi: every 5 s, 12 times). */
    AWAIT_MODEM(Duration.ofSeconds(180)),
    VERIFY(Duration.ofSeconds(60));

    private final Duration defaultTimeout;

    Stage(Duration defaultTimeout) {
        this.defaultTimeout = defaultTimeout;
    }

    /** "await-download-device". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    public static Stage byLabel(String label) {
        for (Stage s : values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown stage '" + label + "'; stages: " + labels());
    }

    /** "inspect, probe, ..., verify". */
    public static String labels() {
        return String.join(", ", java.util.Arrays.stream(values()).map(Stage::label).toList());
    }

    @Override
    public String toString() {
        return label();
    }
}
