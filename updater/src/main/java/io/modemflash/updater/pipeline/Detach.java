package io.modemflash.updater.pipeline;

import io.modemflash.qdl.link.DownloadModeDevices.BootProtocol;
import io.modemflash.qmi.prep.DownloadModeSwitch;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.discovery.PortWatcher;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * enter-download and await-download-device: QMI puts the modem in download mode, then the
 * same USB port is followed until the download personality appears. One that appears in a
 * mode the package cannot use (or crashed) fails here and nothing was written.
 */
final class Detach implements Lifecycle {
    /** The modem came back in a download mode the package cannot use: nothing was written, nothing to resume. */
    static final class WrongMode extends Failure {
        WrongMode(ExitCode code, String message) {
            super(code, message);
        }
    }

    private final StageRun run;

    Detach(StageRun run) {
        this.run = run;
    }

    @Override
    public List<Stage> stages() {
        return List.of(Stage.ENTER_DOWNLOAD, Stage.AWAIT_DOWNLOAD_DEVICE);
    }

    @Override
    public Device run(Device device, Plan plan) throws Exception {
        run.journal.stage(Stage.ENTER_DOWNLOAD);
        run.begin(Stage.ENTER_DOWNLOAD);
        PortWatcher watcher = new PortWatcher(run.scanner, device, run.opt.poll()); // before the reset
        DownloadModeSwitch.Outcome o = enterDownload(device, plan);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("method", o.method().label());
        f.put("to_download", o.toDownloadNames());
        f.put("reset_answered", o.resetAnswered());
        run.end(f);
        run.begin(Stage.AWAIT_DOWNLOAD_DEVICE);
        Device dl = watcher.await(PortWatcher.downloadMode(), "download-mode device",
                run.opt.timeout(Stage.AWAIT_DOWNLOAD_DEVICE));
        usable(dl);
        run.end(dl.fields());
        return dl;
    }

    private DownloadModeSwitch.Outcome enterDownload(Device device, Plan plan) throws Exception {
        AutoCloseable[] port = new AutoCloseable[1];
        AutoCloseable closer = () -> {
            if (port[0] != null) {
                port[0].close();
            }
        };
        return run.withWatchdog(Stage.ENTER_DOWNLOAD, closer, () -> DownloadModeEntry.enter(device,
                plan.entryTarget(), run.opt.proxy(), Duration.ofSeconds(5), m -> run.out.trace(run.port + ": " + m),
                q -> port[0] = q));
    }

    private void usable(Device dl) {
        if (dl.protocol() == BootProtocol.SAHARA_MEMORY_DEBUG) {
            throw new WrongMode(ExitCode.PROTOCOL, "the modem crashed: it came back as " + dl.vidPid()
                    + " (Qualcomm crash dump, Sahara memory debug) instead of its download mode; save the dump with "
                    + "'modemflash sahara dump DIR --port " + dl.port() + "' (which also reboots it), then run the "
                    + "same command again");
        }
        if (!Plan.fits(dl.protocol(), run.pkg.protocol()) && !run.opt.force()) {
            throw new WrongMode(ExitCode.WRONG_DEVICE, "the modem came back in download mode as " + dl.vidPid()
                    + ", which does not speak " + run.pkg.protocol().label + " (--force tries anyway)");
        }
    }
}
