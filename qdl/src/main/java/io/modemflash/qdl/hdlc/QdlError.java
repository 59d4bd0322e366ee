package io.modemflash.qdl.hdlc;

/** Error codes of the QDL/streaming-download error message (0x0D). */
public enum QdlError {
    NONE(0x00, "no error"),
    RESERVED_01(0x01, "reserved error 0x01"),
    BAD_ADDRESS(0x02, "invalid destination address"),
    BAD_LENGTH(0x03, "invalid length"),
    UNEXPECTED_END(0x04, "unexpected end of packet"),
    BAD_COMMAND(0x05, "invalid command"),
    RESERVED_06(0x06, "reserved error 0x06"),
    OPERATION_FAILED(0x07, "operation failed"),
    BAD_FLASH_ID(0x08, "wrong flash intelligent id"),
    BAD_VOLTAGE(0x09, "bad programming voltage"),
    WRITE_VERIFY_FAILED(0x0A, "write-verify failed"),
    RESERVED_0B(0x0B, "reserved error 0x0B"),
    BAD_SECURITY_CODE(0x0C, "incorrect security code"),
    POWER_DOWN_FAILED(0x0D, "cannot power down"),
    UNSUPPORTED(0x0E, "operation not supported (NAND programming)"),
    OUT_OF_SEQUENCE(0x0F, "command out of sequence"),
    CLOSE_FAILED(0x10, "close did not succeed"),
    BAD_FEATURES(0x11, "incompatible feature bits"),
    OUT_OF_SPACE(0x12, "out of space"),
    BAD_SECURITY_MODE(0x13, "invalid security mode"),
    MULTI_IMAGE_UNSUPPORTED(0x14, "multi-image not supported"),
    POWER_OFF_UNSUPPORTED(0x15, "power off not supported"),
    COMMAND_UNSUPPORTED(0x16, "command not supported"),
    BAD_CRC(0x17, "bad CRC"),
    BAD_STATE(0x18, "invalid state"),
    TIMEOUT(0x19, "timeout"),
    IMAGE_AUTH_FAILED(0x1A, "image authentication failed");

    public final int code;
    public final String description;

    QdlError(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The named code, or null for a code outside the table. */
    public static QdlError of(long code) {
        for (QdlError e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }

    /** "command out of sequence (0x0F)", or "unknown error 0x42". */
    public static String describe(long code) {
        QdlError e = of(code);
        return e == null ? String.format("unknown error 0x%02X", code) : String.format("%s (0x%02X)", e.description, code);
    }
}
