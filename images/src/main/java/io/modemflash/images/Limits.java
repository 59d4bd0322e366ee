package io.modemflash.images;

/**
 * Bounds that stop hostile packages (archive bombs, endless entry lists, deep nesting).
 * Defaults fit every real modem package seen (the largest flat builds are a few GiB):
 * one entry at most 16 GiB, all entries together at most 32 GiB, at most 10 000 entries.
 * Override with the wither methods, e.g. {@code Limits.defaults().withMaxEntryBytes(1 << 20)}.
 *
 * @param maxEntryBytes   largest single file extracted from an archive
 * @param maxTotalBytes   largest sum of all extracted files
 * @param maxEntries      most archive entries (directories included)
 * @param maxCweDepth     deepest CWE nesting accepted (real packages use 3)
 */
public record Limits(long maxEntryBytes, long maxTotalBytes, int maxEntries, int maxCweDepth) {

    public static final long GIB = 1L << 30;

    public Limits {
        if (maxEntryBytes <= 0 || maxTotalBytes <= 0 || maxEntries <= 0 || maxCweDepth <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public static Limits defaults() {
        return new Limits(16 * GIB, 32 * GIB, 10_000, 8);
    }

    public Limits withMaxEntryBytes(long v) {
        return new Limits(v, maxTotalBytes, maxEntries, maxCweDepth);
    }

    public Limits withMaxTotalBytes(long v) {
        return new Limits(maxEntryBytes, v, maxEntries, maxCweDepth);
    }

    public Limits withMaxEntries(int v) {
        return new Limits(maxEntryBytes, maxTotalBytes, v, maxCweDepth);
    }

    public Limits withMaxCweDepth(int v) {
        return new Limits(maxEntryBytes, maxTotalBytes, maxEntries, v);
    }
}
