package io.modemflash.updater.pipeline;

import io.modemflash.images.FirmwarePackage;
import io.modemflash.qmi.client.QmiDeviceOptions;
import io.modemflash.updater.api.Cancellation;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Failures;
import io.modemflash.updater.api.Output;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.discovery.DeviceScanner;
import io.modemflash.updater.progress.StatusBoard;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One modem's update as its stages see it: what they share (package, options, journal, the
 * result's fields) and how they report and bound themselves: {@code stage-start} /
 * {@code stage-end} events carrying {@code "device": port}, skipped stages, and each stage's
 * timeout (waits use it directly; device I/O is cut by closing the port when it expires).
 * It also knows where a run stopped (stage, image, bytes) to tell a person after Ctrl-C.
 */
final class StageRun {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stage-watchdog");
        t.setDaemon(true);
        return t;
    });

    final FirmwarePackage pkg;
    final UpdateOptions opt;
    final DeviceScanner scanner;
    final Output out;
    final boolean humanProgress;
    final UpdatePipeline.LinkOpener links;
    final StatusBoard board;
    final String port;
    final Journal journal;
    /** The JSON result's fields beyond ok, exit_code and message. */
    final Map<String, Object> result = new LinkedHashMap<>();
    private Stage stage;
    private Stage lastStage;
    private long stageStarted;
    private volatile String currentImage;
    private volatile long imageDone;
    private volatile long imageTotal;

    StageRun(FirmwarePackage pkg, UpdateOptions opt, DeviceScanner scanner, Output out, boolean humanProgress,
             UpdatePipeline.LinkOpener links, StatusBoard board, String port, Journal journal) {
        this.pkg = pkg;
        this.opt = opt;
        this.scanner = scanner;
        this.out = out;
        this.humanProgress = humanProgress;
        this.links = links;
        this.board = board;
        this.port = port;
        this.journal = journal;
    }

    // ------------------------------------------------------------------ stage events

    void begin(Stage s) {
        stage = s;
        if (board != null) {
            board.stage(port, s.label());
        }
        stageStarted = System.nanoTime();
        stageEvent("stage-start", Map.of("timeout_s", opt.timeout(s).toSeconds()));
    }

    void end(Map<String, Object> fields) {
        lastStage = stage;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", true);
        f.put("ms", (System.nanoTime() - stageStarted) / 1_000_000);
        f.putAll(fields);
        stageEvent("stage-end", f);
        stage = null;
    }

    /** The failed stage-end of the stage that was running (or the last one that ran). Returns that stage. */
    Stage fail(ExitCode code, String message) {
        Stage failed = stage != null ? stage : lastStage;
        if (failed != null) {
            stage = failed;
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("ok", false);
            f.put("error", code.label());
            f.put("message", message);
            stageEvent("stage-end", f);
            stage = null;
        }
        return failed;
    }

    /** The stage that is running, else the last that ran (null before probe). */
    Stage current() {
        return stage != null ? stage : lastStage;
    }

    /** When the running stage began (System.nanoTime). */
    long stageStarted() {
        return stageStarted;
    }

    void skip(Stage s, String why) {
        stage = s;
        stageEvent("stage-start", Map.of("timeout_s", opt.timeout(s).toSeconds()));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", true);
        f.put("skipped", why);
        stageEvent("stage-end", f);
        stage = null;
    }

    void skipRest(Stage after, String why) {
        for (Stage s : Stage.values()) {
            if (s.compareTo(after) > 0) {
                skip(s, why);
            }
        }
    }

    void stageEvent(String name, Map<String, ?> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", port);
        if (stage != null) {
            m.put("stage", stage.label());
        }
        m.putAll(fields);
        out.event(name, m);
    }

    void event(String name, Map<String, ?> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", port);
        m.putAll(fields);
        out.event(name, m);
        if (name.equals("warning")) {
            out.note("modemflash: " + port + ": warning: " + fields.get("message"));
        }
    }

    void warning(String message) {
        event("warning", Map.of("message", message));
    }

    // ------------------------------------------------------------------ where it stopped

    /** The image being written and how far it got (for the Ctrl-C message). */
    void imageProgress(String image, long done, long total) {
        currentImage = image;
        imageDone = done;
        imageTotal = total;
    }

    /** What a Ctrl-C (or SIGTERM) stopped: the stage, the image and how far it got, where the modem is, what next. */
    String interrupted(ExitCode code, Stage failed) {
        StringBuilder sb = new StringBuilder(code.meaning);
        if (failed != null) {
            sb.append(" during ").append(failed.label());
        }
        String img = currentImage;
        if (img != null && failed == Stage.DOWNLOAD) {
            sb.append(" (image ").append(img).append(", ").append(imageDone).append(" of ").append(imageTotal)
                    .append(" bytes)");
        }
        if (failed != null && failed.compareTo(Stage.ENTER_DOWNLOAD) >= 0 && failed.compareTo(Stage.RESET) <= 0) {
            sb.append("; the modem on USB port ").append(port).append(" may be left in download mode");
        }
        sb.append("; run the same command again to continue");
        return sb.toString();
    }

    // ------------------------------------------------------------------ limits

    QmiDeviceOptions qmiOptions() {
        return QmiDeviceOptions.defaults();
    }

    interface Body<T> {
        T run() throws Exception;
    }

    /**
     * Runs body; when the stage's timeout expires first, or the run is cancelled (Ctrl-C),
     * closes the resource so that blocked I/O fails.
     */
    <T> T withWatchdog(Stage s, AutoCloseable resource, Body<T> body) throws Exception {
        Watchdog dog = new Watchdog(s, resource);
        try (Cancellation.Registration c = Cancellation.whileOpen(resource)) {
            return body.run();
        } catch (Exception e) {
            throw dog.explain(e);
        } finally {
            dog.close();
        }
    }

    /**
     * Closes a resource when the limit of the stage it guards passes, so that blocked I/O
     * fails; {@link #arm} moves it to the next stage when one call spans two (download, reset).
     */
    final class Watchdog implements AutoCloseable {
        private final AutoCloseable resource;
        private Stage guarded;
        private ScheduledFuture<?> timer;
        private Stage expired;

        Watchdog(Stage s, AutoCloseable resource) {
            this.resource = resource;
            arm(s);
        }

        /** From now on the limit of s applies, counted from now. */
        synchronized void arm(Stage s) {
            if (timer != null) {
                timer.cancel(false);
            }
            guarded = s;
            timer = WATCHDOG.schedule(() -> expire(s), opt.timeout(s).toMillis(), TimeUnit.MILLISECONDS);
        }

        private void expire(Stage s) {
            synchronized (this) {
                if (s != guarded) {
                    return; // re-armed while this timer was due
                }
                expired = s;
            }
            try {
                resource.close();
            } catch (Exception e) {
                // closing is all we can do
            }
        }

        /** What to throw for e: a timeout naming the stage when the limit closed the resource, else e. */
        synchronized Exception explain(Exception e) {
            if (expired == null) {
                return e;
            }
            return new Failure(ExitCode.TIMEOUT, "stage " + expired.label() + " did not finish within "
                    + seconds(opt.timeout(expired)) + " (" + Failures.message(e) + ")", e);
        }

        @Override
        public synchronized void close() {
            timer.cancel(false);
        }
    }

    /** For stages without device I/O to cut: the stage fails when it took longer than its limit. */
    void withinLimit(Stage s) {
        Duration took = Duration.ofNanos(System.nanoTime() - stageStarted);
        if (took.compareTo(opt.timeout(s)) > 0) {
            throw new Failure(ExitCode.TIMEOUT, "stage " + s.label() + " took " + seconds(took)
                    + ", over its limit of " + seconds(opt.timeout(s)));
        }
    }

    /** "2 s" or "300 ms". */
    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** A stage's facts about the device: its mode and USB id. */
    static Map<String, Object> withMode(Map<String, Object> fields, Device d) {
        Map<String, Object> m = new LinkedHashMap<>(fields);
        m.put("mode", d.mode().label());
        m.put("usb_id", d.vidPid());
        return m;
    }
}
