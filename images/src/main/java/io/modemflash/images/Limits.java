package io.modemflash.images;

/**
 * Bounds that stop hostile packages (archive bombs, endless entry lists, deep nesting, headers
 * that claim gigabytes). Defaults fit every real modem package seen (the largest flat builds
 * are a few GiB): one entry at most 16 GiB, all entries together at most 32 GiB, at most
 * 10 000 entries, archive headers (tar long names and PAX records) at most 64 KiB each, and
 * 72 MiB for a decompressor's dictionary (xz -9 needs 65 MiB). Whatever a package holds,
 * memory stays far below 256 MiB. Override with the wither methods, e.g.
 * {@code Limits.defaults().withMaxEntryBytes(1 << 20)}.
 *
 * @param maxEntryBytes   largest single file extracted from an archive
 * @param maxTotalBytes   largest sum of all extracted files
 * @param maxEntries      most archive entries (directories included)
 * @param maxCweDepth     deepest CWE nesting accepted (real packages use 3)
 * @param maxHeaderBytes  largest archive header read into memory (tar long name/link, PAX record)
 * @param maxDecoderKiB   most memory an xz/7z decoder may ask for (its dictionary), in KiB
 */
public record Limits(long maxEntryBytes, long maxTotalBytes, int maxEntries, int maxCweDepth, int maxHeaderBytes,
                     int maxDecoderKiB) {

    public static final long GIB = 1L << 30;

    public Limits {
        if (maxEntryBytes <= 0 || maxTotalBytes <= 0 || maxEntries <= 0 || maxCweDepth <= 0 || maxHeaderBytes <= 0
                || maxDecoderKiB <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public static Limits defaults() {
        return new Limits(16 * GIB, 32 * GIB, 10_000, 8, 64 << 10, 72 << 10);
    }

    public Limits withMaxEntryBytes(long v) {
        return new Limits(v, maxTotalBytes, maxEntries, maxCweDepth, maxHeaderBytes, maxDecoderKiB);
    }

    public Limits withMaxTotalBytes(long v) {
        return new Limits(maxEntryBytes, v, maxEntries, maxCweDepth, maxHeaderBytes, maxDecoderKiB);
    }

    public Limits withMaxEntries(int v) {
        return new Limits(maxEntryBytes, maxTotalBytes, v, maxCweDepth, maxHeaderBytes, maxDecoderKiB);
    }

    public Limits withMaxCweDepth(int v) {
        return new Limits(maxEntryBytes, maxTotalBytes, maxEntries, v, maxHeaderBytes, maxDecoderKiB);
    }

    public Limits withMaxHeaderBytes(int v) {
        return new Limits(maxEntryBytes, maxTotalBytes, maxEntries, maxCweDepth, v, maxDecoderKiB);
    }

    public Limits withMaxDecoderKiB(int v) {
        return new Limits(maxEntryBytes, maxTotalBytes, maxEntries, maxCweDepth, maxHeaderBytes, v);
    }
}
