package io.modemflash.qmi.client;

import java.time.Duration;

/**
 * Timeouts and retry counts of {@link QmiDevice}. Defaults follow libqmi: Sync 2 s retried
 * 10 times, Allocate Client Id 10 s up to 3 attempts.
 *
 * @param shutdownHook register a JVM shutdown hook that releases client ids on Ctrl-C/SIGTERM
 * @param syncOnOpen   probe the port with CTL Sync (drops every client id on the modem, including
 *                     those of other programs sharing it through qmi-proxy); when false, probe with
 *                     CTL Get Version Info instead, with the same timeout and attempts. qmi-firmware-update
 *                     syncs even through the proxy; a read-only query next to ModemManager should not.
 */
public record QmiDeviceOptions(Duration syncTimeout, int syncAttempts, Duration allocateTimeout, int allocateAttempts,
                               Duration requestTimeout, Duration releaseTimeout, boolean shutdownHook,
                               boolean syncOnOpen) {
    public QmiDeviceOptions {
        if (syncAttempts < 1 || allocateAttempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1");
        }
    }

    public static QmiDeviceOptions defaults() {
        return new QmiDeviceOptions(Duration.ofSeconds(2), 10, Duration.ofSeconds(10), 3, Duration.ofSeconds(10),
                Duration.ofSeconds(5), true, true);
    }

    public QmiDeviceOptions withSync(Duration timeout, int attempts) {
        return new QmiDeviceOptions(timeout, attempts, allocateTimeout, allocateAttempts, requestTimeout,
                releaseTimeout, shutdownHook, syncOnOpen);
    }

    public QmiDeviceOptions withAllocate(Duration timeout, int attempts) {
        return new QmiDeviceOptions(syncTimeout, syncAttempts, timeout, attempts, requestTimeout, releaseTimeout,
                shutdownHook, syncOnOpen);
    }

    public QmiDeviceOptions withRequestTimeout(Duration timeout) {
        return new QmiDeviceOptions(syncTimeout, syncAttempts, allocateTimeout, allocateAttempts, timeout,
                releaseTimeout, shutdownHook, syncOnOpen);
    }

    public QmiDeviceOptions withReleaseTimeout(Duration timeout) {
        return new QmiDeviceOptions(syncTimeout, syncAttempts, allocateTimeout, allocateAttempts, requestTimeout,
                timeout, shutdownHook, syncOnOpen);
    }

    public QmiDeviceOptions withShutdownHook(boolean hook) {
        return new QmiDeviceOptions(syncTimeout, syncAttempts, allocateTimeout, allocateAttempts, requestTimeout,
                releaseTimeout, hook, syncOnOpen);
    }

    public QmiDeviceOptions withSyncOnOpen(boolean sync) {
        return new QmiDeviceOptions(syncTimeout, syncAttempts, allocateTimeout, allocateAttempts, requestTimeout,
                releaseTimeout, shutdownHook, sync);
    }
}
