package io.modemflash.qmi.prep;

/** The QMI ways into download mode (PROTOCOLS.md 1.5), in the order a family tries them. */
public enum PrepMethod {
    /** Sierra 9x15/9x30/9x50/SDX: Set Firmware Preference, offline, reset. */
    FIRMWARE_PREFERENCE("firmware-preference"),
    /** Older Sierra parts: Set Firmware ID, offline, reset. */
    FIRMWARE_ID("firmware-id"),
    /** Set Boot Image Download Mode 1 (boot and recovery), offline, reset. */
    BOOT_IMAGE_DOWNLOAD_MODE("boot-image-download-mode"),
    /** Last resort for Sierra parts: AT!BOOTHOLD on the AT tty ({@link SerialFallbacks}). */
    AT_BOOTHOLD("at-boothold"),
    /** Last resort for Qualcomm parts: the QCDM download command on the DIAG tty ({@link SerialFallbacks}). */
    QCDM_DOWNLOAD("qcdm-download");

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
