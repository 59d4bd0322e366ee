package io.modemflash.qmi.prep;

/** The QMI ways into download mode (PROTOCOLS.md 1.5), in the order a family tries them. */
public enum PrepMethod {
    /** Sierra 9x15/9x30/9x50/SDX: Set Firmware Preference, offline, reset. */
    FIRMWARE_PREFERENCE("firmware-preference"),
    /** Older Sierra parts: Set Firmware ID, offline, reset. */
    FIRMWARE_ID("firmware-id"),
    /** Set Boot Image Download Mode 1 (boot and recovery), offline, reset. */
    BOOT_IMAGE_DOWNLOAD_MODE("boot-image-download-mode");

    private final String label;

    PrepMethod(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
