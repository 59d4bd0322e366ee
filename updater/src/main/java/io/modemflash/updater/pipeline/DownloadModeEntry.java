package io.modemflash.updater.pipeline;

import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.client.QmiDevice;
import io.modemflash.qmi.client.QmiDeviceOptions;
import io.modemflash.qmi.prep.DownloadModeSwitch;
import io.modemflash.qmi.prep.FirmwareTarget;
import io.modemflash.qmi.prep.NoDownloadMethodException;
import io.modemflash.qmi.prep.NothingToDownloadException;
import io.modemflash.qmi.prep.PrepMethod;
import io.modemflash.qmi.prep.SerialFallbacks;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.discovery.Device;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Opens a modem's QMI port and switches it to download mode (shared by `update` and
 * `boot-mode`). The caller creates its PortWatcher BEFORE calling this, so that the
 * re-enumeration cannot be missed. A modem that refuses is a protocol failure with the
 * modem's reason (e.g. nothing to download: suggest --override-download).
 */
public final class DownloadModeEntry {
    private DownloadModeEntry() {
    }

    /** Opened device, for the caller's watchdog to close. */
    public interface Opened {
        void opened(QmiDevice device);
    }

    public static DownloadModeSwitch.Outcome enter(Device device, FirmwareTarget target, boolean proxy,
                                                   Duration resetTimeout, Consumer<String> log, Opened opened)
            throws Exception {
        if (device.qmiNode() == null) {
            throw new Failure(ExitCode.DEVICE_NOT_FOUND, "the modem on USB port " + device.port()
                    + " has no QMI port to switch it to download mode");
        }
        // Sync drops every client id; through qmi-proxy others may hold ids, so check the port gently there
        try (QmiDevice q = QmiDevice.open(device.qmiNode(), proxy, QmiDeviceOptions.defaults().withSyncOnOpen(!proxy))) {
            opened.opened(q);
            return DownloadModeSwitch.enter(q.dms(), target, new DownloadModeSwitch.Options(resetTimeout), log);
        } catch (NothingToDownloadException e) {
            throw new Failure(ExitCode.PROTOCOL, e.getMessage(), e);
        } catch (NoDownloadMethodException e) {
            return lastResort(device, e, log);
        }
    }

    static final int SIERRA_VENDOR = 0x1199;

    /** What {@link #enter} would send, in order, for the dry run's plan (sierra: the modem is a Sierra one). */
    public static List<Plan.Step> steps(FirmwareTarget target, boolean sierra) {
        String lastResort = (sierra ? "AT!BOOTHOLD on the AT tty" : "the QCDM download command on the DIAG tty")
                + " instead of offline and reset";
        String bootImage = "DMS Set Boot Image Download Mode 1 (boot and recovery)";
        Plan.Step first = target.hasPreference()
                ? new Plan.Step(Stage.ENTER_DOWNLOAD, "DMS Set Firmware Preference (modem " + target.firmwareVersion()
                + "_?, pri " + target.configVersion() + " " + target.carrier() + ", override="
                + (target.downloadOverride() ? "yes" : "no")
                + (target.storageIndex() == null ? "" : ", storage index " + target.storageIndex()) + ")",
                "DMS Set Firmware ID, else " + bootImage + ", else " + lastResort)
                : new Plan.Step(Stage.ENTER_DOWNLOAD, "DMS Set Firmware ID", bootImage + ", else " + lastResort);
        return List.of(first, new Plan.Step(Stage.ENTER_DOWNLOAD, "DMS Set Operating Mode offline", null),
                new Plan.Step(Stage.ENTER_DOWNLOAD, "DMS Set Operating Mode reset", null));
    }

    /** Sierra: DM on interface 0, AT on 3 (qcserial layout); Qualcomm: DIAG on interface 0. */
    static final int SIERRA_AT_INTERFACE = 3;
    static final int DIAG_INTERFACE = 0;

    /** QMI refused every way: AT!BOOTHOLD (Sierra) or the QCDM download command (others) on the modem's tty. */
    private static DownloadModeSwitch.Outcome lastResort(Device device, NoDownloadMethodException refused,
                                                         Consumer<String> log) throws Failure {
        boolean sierra = device.vendorId() == SIERRA_VENDOR;
        int wanted = sierra ? SIERRA_AT_INTERFACE : DIAG_INTERFACE;
        Device.Tty tty = device.ttys().stream().filter(t -> t.interfaceNumber() == wanted).findFirst().orElse(null);
        if (tty == null) {
            throw new Failure(ExitCode.PROTOCOL, refused.getMessage() + " (no " + (sierra ? "AT" : "DIAG")
                    + " tty on interface " + wanted + " to try instead)", refused);
        }
        try {
            if (sierra) {
                log.accept("QMI refused: AT!BOOTHOLD on " + tty.node());
                SerialFallbacks.atBootHold(tty.node(), false, Duration.ofSeconds(3));
            } else {
                log.accept("QMI refused: QCDM download command on " + tty.node());
                SerialFallbacks.qcdmDownload(tty.node(), Duration.ofSeconds(3));
            }
        } catch (QmiException e) {
            throw new Failure(ExitCode.PROTOCOL, refused.getMessage() + "; " + e.getMessage(), e);
        }
        return new DownloadModeSwitch.Outcome(sierra ? PrepMethod.AT_BOOTHOLD : PrepMethod.QCDM_DOWNLOAD, List.of(),
                true, List.of(refused.getMessage()));
    }
}
