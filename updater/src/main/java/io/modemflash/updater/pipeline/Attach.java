package io.modemflash.updater.pipeline;

import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.client.QmiDevice;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.discovery.PortWatcher;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * await-modem: the port the download-mode device was on is followed until the modem is
 * back in application mode and its QMI port answers (it needs a while after enumeration).
 */
final class Attach implements Lifecycle {
    private final StageRun run;

    Attach(StageRun run) {
        this.run = run;
    }

    @Override
    public List<Stage> stages() {
        return List.of(Stage.AWAIT_MODEM);
    }

    @Override
    public Device run(Device dl, Plan plan) throws Exception {
        run.journal.stage(Stage.AWAIT_MODEM);
        run.begin(Stage.AWAIT_MODEM);
        // dl is the enumeration before the reset: it must go before the modem counts as back
        PortWatcher back = new PortWatcher(run.scanner, dl, run.opt.poll());
        Device app = back.await(PortWatcher.applicationMode(), "modem (application mode)",
                run.opt.timeout(Stage.AWAIT_MODEM));
        awaitQmi(app);
        run.end(StageRun.withMode(new LinkedHashMap<>(), app));
        return app;
    }

    private void awaitQmi(Device app) throws Exception {
        // the re-enumeration and the polls share the stage's limit
        UpdateOptions opt = run.opt;
        long deadline = run.stageStarted() + opt.timeout(Stage.AWAIT_MODEM).toNanos();
        Exception last = null;
        for (int attempt = 1; attempt <= opt.modemRetries() && System.nanoTime() < deadline; attempt++) {
            try (QmiDevice q = QmiDevice.open(app.qmiNode(), opt.proxy(), run.qmiOptions().withSyncOnOpen(false)
                    .withSync(Duration.ofSeconds(2), 1))) {
                q.dms().getRevision();
                return;
            } catch (QmiException e) {
                last = e;
                Thread.sleep(opt.modemRetryInterval().toMillis());
            }
        }
        throw new Failure(ExitCode.TIMEOUT, "the modem is back on USB port " + app.port() + " but its QMI port "
                + app.qmiNode() + " did not answer within the stage's " + StageRun.seconds(opt.timeout(Stage.AWAIT_MODEM))
                + " (" + opt.modemRetries() + " attempts at most"
                + (last == null ? "" : "; last: " + last.getMessage()) + ")");
    }
}
