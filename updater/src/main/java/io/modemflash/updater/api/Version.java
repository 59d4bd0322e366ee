package io.modemflash.updater.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The project version and the git commit the build was made from, as Maven wrote them into
 * {@code version.properties} at build time ("unknown" when built without git).
 */
public final class Version {
    private static final Properties PROPS = load();

    private Version() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // a jar without the file: report unknown
        }
        return p;
    }

    /** "0.1.0-SNAPSHOT". */
    public static String version() {
        return value("version");
    }

    /** The commit's abbreviated hash, with "-dirty" when the tree had changes; "unknown" without git. */
    public static String commit() {
        return value("commit");
    }

    /** "0.1.0-SNAPSHOT (commit 1a2b3c4d)": what JSON results carry as "version". */
    public static String full() {
        return version() + " (commit " + commit() + ")";
    }

    private static String value(String key) {
        String v = PROPS.getProperty(key);
        // an unfiltered file (an IDE build) still holds the ${...} placeholders
        return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v.trim();
    }
}
