package io.modemflash.emulator;

import io.modemflash.qmi.dms.ImageId;

import java.util.List;

/**
 * What the emulated modem did, for tests and for the boot side to plug in: a
 * {@link ResetRequested} with downloadMode true is where a download-mode personality takes
 * over (the QMI side stops answering until {@link EmulatedModem#bootToApplication()}).
 */
public sealed interface ModemEvent {

    record ClientIdAllocated(int service, int clientId) implements ModemEvent {
    }

    record ClientIdReleased(int service, int clientId) implements ModemEvent {
    }

    /** CTL Sync or a reboot dropped every client id. */
    record ClientIdsDropped(int count) implements ModemEvent {
    }

    record OperatingModeChanged(int from, int to) implements ModemEvent {
    }

    /** Set Firmware Preference accepted; toDownload empty means the images are already stored. */
    record FirmwarePreferenceSet(List<ImageId> images, List<Integer> toDownload, boolean override,
                                 Integer modemStorageIndex) implements ModemEvent {
        public FirmwarePreferenceSet {
            images = List.copyOf(images);
            toDownload = List.copyOf(toDownload);
        }
    }

    /** Set Firmware ID accepted (old Sierra parts): next reset goes to boot-and-hold. */
    record FirmwareIdSet() implements ModemEvent {
    }

    record BootImageDownloadModeSet(int mode) implements ModemEvent {
    }

    /**
     * Set Operating Mode reset was accepted. downloadMode: the modem now re-enumerates in its
     * download personality (reason says why); otherwise it reboots into application mode.
     */
    record ResetRequested(boolean downloadMode, String reason) implements ModemEvent {
    }

    /** The modem is back in application mode (client ids gone, operating mode online). */
    record Rebooted() implements ModemEvent {
    }

    /**
     * The USB device left the bus (a reset, a re-enumeration). usbId is "vvvv:pppp";
     * downloadMode says which personality left.
     */
    record UsbRemoved(String usbId, boolean downloadMode) implements ModemEvent {
    }

    /** The USB device (re-)appeared at the same port with this identity. */
    record UsbAdded(String usbId, boolean downloadMode) implements ModemEvent {
    }

    /**
     * A download-mode session ended. outcome: "application" (reset into application mode),
     * "download" (re-enumerates in download mode: disconnect, host closed the port, power edl).
     */
    record DownloadSessionEnded(String outcome, String why) implements ModemEvent {
    }

    /** After a download the modem runs (and reports) this revision. */
    record FirmwareRunning(String revision, boolean updated) implements ModemEvent {
    }
}
