package io.modemflash.qmi.prep;

import io.modemflash.qmi.DeviceGoneException;
import io.modemflash.qmi.QmiErrorResponseException;
import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.QmiTimeoutException;
import io.modemflash.qmi.client.DmsClient;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.OperatingMode;
import io.modemflash.qmi.dms.SetBootImageDownloadMode;
import io.modemflash.qmi.dms.SetFirmwarePreference;
import io.modemflash.qmi.dms.SetOperatingMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Puts a modem in download mode with DMS requests only (PROTOCOLS.md 1.5): firmware preference
 * when the target names versions, else Set Firmware ID, else Set Boot Image Download Mode 1;
 * then offline and reset. The DMS client is kept (not released) once the reset went out: the
 * modem drops every client id as it re-enumerates, and a release would only time out.
 */
public final class DownloadModeSwitch {
    private DownloadModeSwitch() {
    }

    /** @param resetTimeout how long to wait for the reset's answer (a modem often drops before answering) */
    public record Options(Duration resetTimeout) {
        public static final Options DEFAULTS = new Options(Duration.ofSeconds(5));
    }

    /**
     * @param method        what put the modem in download mode
     * @param toDownload    image types the modem asked for (firmware preference only, else empty)
     * @param resetAnswered false when the reset got no answer (timeout or port gone): probably reset anyway
     * @param notes         refusals met on the way (methods the modem does not support)
     */
    public record Outcome(PrepMethod method, List<Integer> toDownload, boolean resetAnswered, List<String> notes) {
        public Outcome {
            toDownload = List.copyOf(toDownload);
            notes = List.copyOf(notes);
        }

        public List<String> toDownloadNames() {
            return toDownload.stream().map(ImageId::typeName).toList();
        }
    }

    public static Outcome enter(DmsClient dms, FirmwareTarget target, Options options, Consumer<String> log)
            throws QmiException {
        List<String> notes = new ArrayList<>();
        PrepMethod method = null;
        List<Integer> toDownload = List.of();
        if (target.hasPreference()) {
            SetFirmwarePreference.Request req = SetFirmwarePreference.Request.forFirmware(target.firmwareVersion(),
                    target.configVersion(), target.carrier(), target.downloadOverride() ? Boolean.TRUE : null,
                    target.storageIndex());
            try {
                SetFirmwarePreference.Response r = dms.setFirmwarePreference(req);
                if (r.nothingToDownload()) {
                    throw new NothingToDownloadException(target.firmwareVersion(), target.configVersion(),
                            target.carrier());
                }
                method = PrepMethod.FIRMWARE_PREFERENCE;
                toDownload = r.imageTypesToDownload();
                log.accept("firmware preference set; the modem will download "
                        + String.join(" + ", toDownload.stream().map(ImageId::typeName).toList()));
            } catch (QmiErrorResponseException e) {
                if (!unsupported(e)) {
                    throw e;
                }
                notes.add("Set Firmware Preference: " + e.getMessage());
            }
        }
        if (method == null) {
            method = fallback(dms, notes, log);
        }
        dms.setOperatingMode(OperatingMode.OFFLINE);
        boolean answered = reset(dms, options.resetTimeout());
        return new Outcome(method, toDownload, answered, notes);
    }

    /** Set Firmware ID, else Set Boot Image Download Mode 1. */
    private static PrepMethod fallback(DmsClient dms, List<String> notes, Consumer<String> log) throws QmiException {
        try {
            dms.setFirmwareId();
            log.accept("Set Firmware ID accepted");
            return PrepMethod.FIRMWARE_ID;
        } catch (QmiErrorResponseException e) {
            // EM7565 answers MissingArgument, non-Sierra parts InvalidQmiCommand: both mean "not this way"
            notes.add("Set Firmware ID: " + e.getMessage());
        }
        try {
            dms.setBootImageDownloadMode(SetBootImageDownloadMode.BOOT_AND_RECOVERY);
            log.accept("boot image download mode set");
            return PrepMethod.BOOT_IMAGE_DOWNLOAD_MODE;
        } catch (QmiErrorResponseException e) {
            notes.add("Set Boot Image Download Mode: " + e.getMessage());
        }
        throw new NoDownloadMethodException("the modem refused every QMI way into download mode ("
                + String.join("; ", notes) + "); try AT!BOOTHOLD on its AT port or the QCDM download switch");
    }

    /** Offline must already be set. Returns false when the modem dropped without answering. */
    static boolean reset(DmsClient dms, Duration timeout) throws QmiException {
        try {
            dms.client().request(new SetOperatingMode.Request(OperatingMode.RESET), timeout);
            dms.keep();
            return true;
        } catch (QmiTimeoutException | DeviceGoneException e) {
            // the modem usually re-enumerates before its answer leaves: a probable success
            dms.keep();
            return false;
        }
    }

    private static boolean unsupported(QmiErrorResponseException e) {
        return e.is(io.modemflash.qmi.QmiProtocolError.INVALID_QMI_COMMAND)
                || e.is(io.modemflash.qmi.QmiProtocolError.NOT_SUPPORTED);
    }
}
