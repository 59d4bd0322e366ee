package io.modemflash.updater.api;

/**
 * Process exit codes. Stable: scripts depend on them, and README.md documents them.
 * Add new codes at the end; never renumber.
 */
public enum ExitCode {
    OK(0, "success"),
    INTERNAL(1, "internal error (a bug: please report it with -v output)"),
    USAGE(2, "usage error: bad option or argument"),
    DEVICE_NOT_FOUND(3, "device not found, or not the kind of port expected"),
    DEVICE_BUSY(4, "device busy: another process holds the port"),
    BAD_PACKAGE(5, "bad firmware package: corrupt, hostile or not flashable"),
    PROTOCOL(6, "protocol failure: the device refused or answered wrongly"),
    TIMEOUT(7, "timeout: the device did not answer in time"),
    VERIFY_MISMATCH(8, "verification mismatch: the modem runs other firmware than planned, or its storage does not hold the bytes written"),
    WRONG_DEVICE(9, "package does not fit this device"),
    DEVICE_GONE(10, "device disconnected during the operation"),
    INTERRUPTED(130, "interrupted (SIGINT)"),
    TERMINATED(143, "terminated (SIGTERM)");

    public final int code;
    public final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The code with this number (INTERNAL for a number that is not one of ours). */
    public static ExitCode of(int code) {
        for (ExitCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return INTERNAL;
    }

    /** The JSON {@code "error"} value: "device-not-found". */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
