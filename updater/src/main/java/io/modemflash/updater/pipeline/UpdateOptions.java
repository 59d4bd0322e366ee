package io.modemflash.updater.pipeline;

import io.modemflash.qdl.download.DownloadOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * How an update runs. Versions given here override those derived from the package.
 *
 * @param poll              sysfs polling interval while following a re-enumeration
 * @param modemRetryInterval pause between QMI attempts once the modem is back (libqmi: 5 s)
 * @param modemRetries      QMI attempts once the modem is back (libqmi: 12)
 * @param stateDir          where resume journals live (null: no journal)
 * @param skipMisfits       a modem the package is not for is skipped with a warning instead of
 *                          failed (--all: every modem found is a candidate, not a request)
 */
public record UpdateOptions(boolean dryRun, boolean overrideDownload, String firmwareVersion, String configVersion,
                            String carrier, Integer storageIndex, boolean proxy, boolean force, boolean skipVerify,
                            Map<Stage, Duration> timeouts, Duration poll, Duration modemRetryInterval,
                            int modemRetries, Path stateDir, DownloadOptions download, boolean skipMisfits) {

    public UpdateOptions {
        EnumMap<Stage, Duration> t = new EnumMap<>(Stage.class);
        for (Stage s : Stage.values()) {
            t.put(s, s.defaultTimeout());
        }
        t.putAll(timeouts);
        timeouts = Map.copyOf(t);
    }

    public static UpdateOptions defaults() {
        return new UpdateOptions(false, false, null, null, null, null, false, false, false, Map.of(),
                Duration.ofMillis(250), Duration.ofSeconds(5), 12, null, DownloadOptions.DEFAULTS, false);
    }

    public Duration timeout(Stage s) {
        return timeouts.get(s);
    }

    public UpdateOptions withTimeouts(Map<Stage, Duration> t) {
        return new UpdateOptions(dryRun, overrideDownload, firmwareVersion, configVersion, carrier, storageIndex, proxy,
                force, skipVerify, t, poll, modemRetryInterval, modemRetries, stateDir, download, skipMisfits);
    }

    public UpdateOptions withPolling(Duration sysfsPoll, Duration retryInterval, int retries) {
        return new UpdateOptions(dryRun, overrideDownload, firmwareVersion, configVersion, carrier, storageIndex, proxy,
                force, skipVerify, timeouts, sysfsPoll, retryInterval, retries, stateDir, download, skipMisfits);
    }

    public UpdateOptions withFlags(boolean dryRun, boolean overrideDownload, boolean proxy, boolean force,
                                   boolean skipVerify) {
        return new UpdateOptions(dryRun, overrideDownload, firmwareVersion, configVersion, carrier, storageIndex, proxy,
                force, skipVerify, timeouts, poll, modemRetryInterval, modemRetries, stateDir, download, skipMisfits);
    }

    public UpdateOptions withVersions(String firmware, String config, String carrierName, Integer index) {
        return new UpdateOptions(dryRun, overrideDownload, firmware, config, carrierName, index, proxy, force,
                skipVerify, timeouts, poll, modemRetryInterval, modemRetries, stateDir, download, skipMisfits);
    }

    public UpdateOptions withStateDir(Path dir) {
        return new UpdateOptions(dryRun, overrideDownload, firmwareVersion, configVersion, carrier, storageIndex, proxy,
                force, skipVerify, timeouts, poll, modemRetryInterval, modemRetries, dir, download, skipMisfits);
    }

    public UpdateOptions withDownload(DownloadOptions d) {
        return new UpdateOptions(dryRun, overrideDownload, firmwareVersion, configVersion, carrier, storageIndex, proxy,
                force, skipVerify, timeouts, poll, modemRetryInterval, modemRetries, stateDir, d, skipMisfits);
    }

    public UpdateOptions withSkipMisfits(boolean skip) {
        return new UpdateOptions(dryRun, overrideDownload, firmwareVersion, configVersion, carrier, storageIndex, proxy,
                force, skipVerify, timeouts, poll, modemRetryInterval, modemRetries, stateDir, download, skip);
    }
}
