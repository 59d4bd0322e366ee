package io.modemflash.qmi.transport;

import io.modemflash.qmi.Hex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * Non-QMUX bytes a transport skipped, summarised: a count and the first bytes, at most one
 * log line a second. A chatty tty or /dev/zero would otherwise flood stderr with hex.
 */
final class SkippedBytes {
    private static final Logger LOG = LoggerFactory.getLogger(FdTransport.class);
    static final int SAMPLE = 32;
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final String name;
    private long total;
    private long unlogged;
    private byte[] sample = new byte[0];
    private byte[] first;
    private long lastLog = System.nanoTime() - LOG_INTERVAL_NANOS;

    SkippedBytes(String name) {
        this.name = name;
    }

    synchronized void add(byte[] bytes) {
        total += bytes.length;
        unlogged += bytes.length;
        if (sample.length < SAMPLE) {
            int take = Math.min(SAMPLE - sample.length, bytes.length);
            byte[] s = Arrays.copyOf(sample, sample.length + take);
            System.arraycopy(bytes, 0, s, sample.length, take);
            sample = s;
        }
        if (first == null || first.length < SAMPLE) {
            first = sample.clone();
        }
        if (System.nanoTime() - lastLog >= LOG_INTERVAL_NANOS) {
            flush();
        }
    }

    /** Logs what was skipped since the last line, if anything. */
    synchronized void flush() {
        if (unlogged == 0) {
            return;
        }
        LOG.warn("{}: skipped {} byte(s) that are not QMUX (first {}: {})", name, unlogged, sample.length,
                Hex.spaced(sample));
        unlogged = 0;
        sample = new byte[0];
        lastLog = System.nanoTime();
    }

    synchronized long total() {
        return total;
    }

    /** The first bytes ever skipped (for an error message). */
    synchronized String firstHex() {
        return first == null ? "" : Hex.spaced(first);
    }
}
