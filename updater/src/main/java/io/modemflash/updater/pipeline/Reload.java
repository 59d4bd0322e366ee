package io.modemflash.updater.pipeline;

import io.modemflash.qmi.client.QmiDevice;
import io.modemflash.qmi.prep.FirmwareTarget;
import io.modemflash.qmi.prep.ModemIdentity;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.discovery.Device;

import java.util.List;
import java.util.Map;

/**
 * verify: QMI is reopened and the running firmware (Sierra: with config and carrier) is
 * compared with the plan; a mismatch is a failure naming both, never a note.
 */
final class Reload implements Lifecycle {
    private final StageRun run;

    Reload(StageRun run) {
        this.run = run;
    }

    @Override
    public List<Stage> stages() {
        return List.of(Stage.VERIFY);
    }

    @Override
    public Device run(Device app, Plan plan) throws Exception {
        run.journal.stage(Stage.VERIFY);
        run.begin(Stage.VERIFY);
        if (run.opt.skipVerify()) {
            run.warning("verification skipped (--skip-verify): the running firmware was not compared with the plan");
            run.end(Map.of("skipped", "--skip-verify"));
            return app;
        }
        ModemIdentity now = verify(app, plan);
        run.end(now.fields());
        run.result.put("running", now.firmwareVersion());
        return app;
    }

    private ModemIdentity verify(Device app, Plan plan) throws Exception {
        ModemIdentity now;
        try (QmiDevice q = QmiDevice.open(app.qmiNode(), run.opt.proxy(), run.qmiOptions().withSyncOnOpen(false))) {
            now = run.withWatchdog(Stage.VERIFY, q, () -> ModemIdentity.read(q.dms()));
        }
        FirmwareTarget t = plan.target();
        if (t.firmwareVersion() == null) {
            return now;
        }
        boolean sierra = plan.sierra();
        if (!plan.runBy(now)) {
            String want = sierra ? t.firmwareVersion() + " / " + t.configVersion() + " / " + t.carrier()
                    : t.firmwareVersion();
            String got = sierra ? now.firmwareVersion() + " / " + now.configVersion() + " / " + now.carrier()
                    : now.revision();
            throw new Failure(ExitCode.VERIFY_MISMATCH, "the modem runs " + got + ", not the planned " + want
                    + " (read with " + now.source() + ")");
        }
        if (sierra && now.firmwarePreference() != null && now.firmwarePreference().stream()
                .noneMatch(i -> i.buildId().startsWith(t.firmwareVersion()))) {
            run.warning("the firmware preference " + now.firmwarePreference() + " does not name "
                    + t.firmwareVersion());
        }
        return now;
    }
}
