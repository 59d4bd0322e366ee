package io.modemflash.updater.cli;

import io.modemflash.qmi.prep.FirmwareTarget;
import picocli.CommandLine.Option;

/** What to ask the modem for, shared by `update` and `boot-mode` (picocli mixin). */
public final class UpdateTargetOptions {
    @Option(names = "--override-download",
            description = "Download even a version the modem already stores (firmware preference override).")
    boolean overrideDownload;

    @Option(names = "--firmware-version", paramLabel = "V",
            description = "Firmware version to ask for (update: default from the package).")
    String firmwareVersion;

    @Option(names = "--config-version", paramLabel = "V",
            description = "Config (PRI) version (update: default from the package).")
    String configVersion;

    @Option(names = "--carrier", paramLabel = "C",
            description = "Carrier; case matters: GENERIC (update: default from the package).")
    String carrier;

    @Option(names = "--storage-index", paramLabel = "N", description = "Modem storage index for the new firmware (Sierra).")
    Integer storageIndex;

    @Option(names = "--proxy", description = "Talk QMI through qmi-proxy (shares the port with ModemManager and others).")
    boolean proxy;

    FirmwareTarget target() {
        return new FirmwareTarget(firmwareVersion, configVersion, carrier, overrideDownload, storageIndex);
    }
}
