package io.modemflash.updater.pipeline;

import io.modemflash.images.PackageImage;
import io.modemflash.images.Protocol;
import io.modemflash.qdl.download.DownloadEvent;
import io.modemflash.qdl.download.DownloadListener;
import io.modemflash.qdl.download.DownloadResult;
import io.modemflash.qdl.download.Downloader;
import io.modemflash.qdl.link.Link;
import io.modemflash.updater.api.Cancellation;
import io.modemflash.updater.api.Output;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.progress.DownloadProgress;
import io.modemflash.updater.progress.Rate;
import io.modemflash.updater.progress.Throttle;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * download and reset: the package's protocol flow on the download-mode link, every image
 * with progress, each one the device acknowledged recorded in the journal (a rerun skips
 * it), then the reset. One Downloader call spans both stages: its reset step starts the
 * reset stage and its time limit.
 */
final class Write implements Lifecycle {
    private final StageRun run;

    Write(StageRun run) {
        this.run = run;
    }

    @Override
    public List<Stage> stages() {
        return List.of(Stage.DOWNLOAD, Stage.RESET);
    }

    @Override
    public Device run(Device dl, Plan plan) throws Exception {
        run.journal.stage(Stage.DOWNLOAD);
        run.begin(Stage.DOWNLOAD);
        AtomicBoolean resetStarted = new AtomicBoolean();
        DownloadResult r;
        try (Link link = run.links != null ? run.links.open(dl) : openLink(dl); Cancellation.Registration c = Cancellation.whileOpen(link)) {
            // one call spans download and reset: the watchdog takes the reset's own limit when it starts
            StageRun.Watchdog dog = run.new Watchdog(Stage.DOWNLOAD, link);
            Downloader downloader = new Downloader(plan.downloadOptions(run.opt.download()),
                    listener(resetStarted, dog));
            try {
                r = downloader.download(run.pkg, link);
            } catch (Exception e) {
                throw dog.explain(e);
            } finally {
                dog.close();
            }
        }
        if (!resetStarted.get()) {
            run.end(Map.of());
            run.begin(Stage.RESET);
        }
        run.end(Map.of("bytes", r.bytes(), "images", r.images().size(), "reset", r.reset()));
        run.result.put("bytes_sent", r.bytes());
        run.result.put("images_written", r.written());
        if (!r.digests().isEmpty()) {
            run.result.put("digests", Digests.json(r.digests()));
        }
        return dl;
    }

    /** Download events as stage events, progress and journal entries; the reset step starts the reset stage. */
    private DownloadListener listener(AtomicBoolean resetStarted, StageRun.Watchdog dog) {
        Throttle throttle = Throttle.json();
        long[] imageStarted = {System.nanoTime()};
        DownloadListener human = run.humanProgress
                ? new DownloadProgress(new Output(false, run.out.verbose(), run.out.stderr(), run.out.stderr()), true,
                "download", System::nanoTime)
                : DownloadListener.NONE;
        return e -> {
            human.on(e);
            if (e instanceof DownloadEvent.Stage s && s.stage().equals("reset") && resetStarted.compareAndSet(false,
                    true)) {
                run.end(Map.of());
                run.begin(Stage.RESET);
                dog.arm(Stage.RESET);
            } else if (e instanceof DownloadEvent.ImageStarted s) {
                run.imageProgress(s.image(), 0, s.bytes());
                imageStarted[0] = System.nanoTime();
                run.stageEvent("image", Map.of("image", s.image(), "what", "started", "bytes", s.bytes()));
            } else if (e instanceof DownloadEvent.ImageProgress p) {
                run.imageProgress(p.image(), p.done(), p.total());
                long now = System.nanoTime();
                if (run.board != null) {
                    double secs = (now - imageStarted[0]) / 1e9;
                    run.board.progress(run.port, "download", p.image(), p.done(), p.total(), secs > 0 ? p.done() / secs : 0);
                }
                if (run.out.json() && throttle.due(now, p.done(), p.total())) {
                    run.stageEvent("progress", Rate.fields(p.image(), p.done(), p.total(), now - imageStarted[0]));
                }
            } else if (e instanceof DownloadEvent.ImageDone d) {
                run.imageProgress(null, 0, 0);
                try {
                    // a flat build writes one file to several places: the journal tells them apart
                    run.journal.imageDone(run.pkg.protocol() == Protocol.QUALCOMM_EDL
                            ? Downloader.flatImageKey(d.image(), d.target()) : d.image());
                } catch (IOException ex) {
                    run.out.note("modemflash: cannot write the resume journal: " + ex.getMessage());
                }
                run.stageEvent("image", Map.of("image", d.image(), "what", "done", "bytes", d.bytes()));
                if (!run.out.json() && !run.humanProgress) {
                    long file = run.pkg.images().stream().filter(i -> i.name().equals(d.image()))
                            .mapToLong(PackageImage::size).findFirst().orElse(d.bytes());
                    // Sahara sends what the device asks for, sectors are padded: say which count is which
                    run.out.note(run.port + ": " + d.image() + (d.target() == null ? "" : " -> " + d.target())
                            + " written (" + d.bytes() + " bytes sent" + (file == d.bytes() ? "" : " for a " + file + "-byte file")
                            + ")");
                }
            } else if (e instanceof DownloadEvent.ImageSkipped s) {
                run.stageEvent("image", Map.of("image", s.image(), "what", "skipped", "reason", s.reason()));
            } else if (e instanceof DownloadEvent.Warning w) {
                run.event("warning", Map.of("message", w.text()));
            } else if (e instanceof DownloadEvent.Log l) {
                run.out.trace(run.port + ": " + l.text());
            }
        };
    }

    /** The boot tty or USB, as {@link DownloadLinks} chooses. */
    private Link openLink(Device dl) throws IOException {
        return DownloadLinks.open(dl, run.pkg.protocol(), run.scanner.roots(), run::warning);
    }
}
