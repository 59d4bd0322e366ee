package io.modemflash.updater.pipeline;

import io.modemflash.qmi.client.QmiDevice;
import io.modemflash.qmi.client.QmiDeviceOptions;
import io.modemflash.qmi.prep.DownloadModeSwitch;
import io.modemflash.qmi.prep.FirmwareTarget;
import io.modemflash.qmi.prep.NoDownloadMethodException;
import io.modemflash.qmi.prep.NothingToDownloadException;
import io.modemflash.updater.cli.CliFailure;
import io.modemflash.updater.cli.ExitCode;
import io.modemflash.updater.discovery.Device;

import java.time.Duration;
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
            throw new CliFailure(ExitCode.DEVICE_NOT_FOUND, "the modem on USB port " + device.port()
                    + " has no QMI port to switch it to download mode");
        }
        // Sync drops every client id; through qmi-proxy others may hold ids, so check the port gently there
        try (QmiDevice q = QmiDevice.open(device.qmiNode(), proxy, QmiDeviceOptions.defaults().withSyncOnOpen(!proxy))) {
            opened.opened(q);
            return DownloadModeSwitch.enter(q.dms(), target, new DownloadModeSwitch.Options(resetTimeout), log);
        } catch (NothingToDownloadException | NoDownloadMethodException e) {
            throw new CliFailure(ExitCode.PROTOCOL, e.getMessage(), e);
        }
    }
}
