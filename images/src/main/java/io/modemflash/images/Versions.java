package io.modemflash.images;

/** Firmware version, config (PRI) version and carrier; any of them may be null (unknown). */
public record Versions(String firmware, String config, String carrier) {
    public static final Versions NONE = new Versions(null, null, null);

    /** Fields of this that are null are taken from {@code other}. */
    public Versions orElse(Versions other) {
        return new Versions(firmware != null ? firmware : other.firmware,
                config != null ? config : other.config,
                carrier != null ? carrier : other.carrier);
    }

    public boolean isEmpty() {
        return firmware == null && config == null && carrier == null;
    }
}
