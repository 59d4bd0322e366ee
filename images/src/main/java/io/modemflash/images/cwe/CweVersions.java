package io.modemflash.images.cwe;

import io.modemflash.images.Versions;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Versions from Sierra version strings and file names (PROTOCOLS.md section 6):
 * {@code ..._<fw NN.NN.NN.NN>[..._<carrier [A-Za-z-]+>_<config NNN.NNN_NNN>]}.
 */
public final class CweVersions {
    private static final Pattern FIRMWARE = Pattern.compile("(?<![0-9])(\\d\\d\\.\\d\\d\\.\\d\\d\\.\\d\\d)(?![0-9])");
    private static final Pattern CARRIER_CONFIG = Pattern.compile("_([A-Za-z-]+)_(\\d{3}\\.\\d{3}_\\d{3})(?![0-9])");

    private CweVersions() {
    }

    /** Everything the string carries; fields it does not carry are null. */
    public static Versions parse(String s) {
        if (s == null) {
            return Versions.NONE;
        }
        String firmware = null;
        Matcher f = FIRMWARE.matcher(s);
        if (f.find()) {
            firmware = f.group(1);
        }
        String carrier = null;
        String config = null;
        Matcher c = CARRIER_CONFIG.matcher(s);
        if (c.find()) {
            carrier = c.group(1);
            config = c.group(2);
        }
        return new Versions(firmware, config, carrier);
    }

    /** Firmware only (what BOOT headers are trusted for). */
    public static Versions firmwareOnly(String s) {
        return new Versions(parse(s).firmware(), null, null);
    }
}
