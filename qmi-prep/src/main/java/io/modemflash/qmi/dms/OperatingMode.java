package io.modemflash.qmi.dms;

import java.util.Optional;

/** DMS operating modes (Get/Set Operating Mode TLV 0x01). */
public enum OperatingMode {
    ONLINE(0),
    LOW_POWER(1),
    FACTORY_TEST(2),
    OFFLINE(3),
    RESET(4),
    SHUTTING_DOWN(5),
    PERSISTENT_LOW_POWER(6),
    MODE_ONLY_LOW_POWER(7),
    UNKNOWN(0xFF);

    private final int code;

    OperatingMode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<OperatingMode> fromCode(int code) {
        for (OperatingMode m : values()) {
            if (m.code == code) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** "offline (3)", or "0x42" for a value outside the table. */
    public static String describe(int code) {
        return fromCode(code).map(m -> m.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " (" + code + ")")
                .orElse(String.format("0x%02X", code));
    }
}
