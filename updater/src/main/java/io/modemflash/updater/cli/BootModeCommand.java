package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Output;
import io.modemflash.qmi.prep.DownloadModeSwitch;
import io.modemflash.qmi.prep.FirmwareTarget;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.discovery.DeviceScanner;
import io.modemflash.updater.discovery.PortWatcher;
import io.modemflash.updater.pipeline.DownloadModeEntry;
import io.modemflash.updater.pipeline.ModemManagerCheck;
import io.modemflash.updater.pipeline.PortLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** `modemflash boot-mode -d DEV`: only switch the modem to download mode (first half of a manual two-step flow). */
@Command(name = "boot-mode",
        mixinStandardHelpOptions = true,
        description = {"Switch a modem to download mode over QMI (firmware preference, Set Firmware ID or boot image "
                + "download mode, then offline + reset) and wait for its download personality on the same USB port.",
                "Then flash it with 'modemflash download'. Sierra modems need the versions of the firmware to download "
                        + "(else Set Firmware ID / boot image download mode is used)."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 in download mode (or already was), 2 usage, 3 device not found or no QMI port,",
                "  4 device busy (another process, or ModemManager running without --proxy),",
                "  6 the modem refused (e.g. nothing to download: --override-download),",
                "  7 timeout (no download-mode device within --wait), 10 device disconnected,",
                "  130 interrupted, 143 terminated."})
public final class BootModeCommand implements Callable<Integer> {
    @Option(names = {"-d", "--device"}, paramLabel = "DEV", required = true,
            description = "The modem: /dev/cdc-wdmN, a tty of it, or a USB port path.")
    String device;

    @Mixin
    UpdateTargetOptions targetOptions;

    @Option(names = "--wait", paramLabel = "SECONDS", description = "How long to wait for the download-mode device (default ${DEFAULT-VALUE}; 0: do not wait).")
    long waitSeconds = 120;

    @Option(names = "--poll-ms", hidden = true) long pollMs = 250;

    @Mixin
    OutputOptions outputOptions;

    @Mixin
    DevicesRootOptions rootOptions;

    @Mixin
    ModemManagerOptions modemManager;

    @Override
    public Integer call() throws Exception {
        Output out = outputOptions.output();
        rootOptions.impliedBy(List.of(device));
        DeviceScanner scanner = rootOptions.scanner();
        Device d = Lookup.modem(scanner, device, null).orElseThrow(() -> new Failure(ExitCode.DEVICE_NOT_FOUND,
                "no modem at " + device + " (see 'modemflash devices')"));
        try (PortLock lock = PortLock.acquire(scanner.roots(), d.port(), "boot-mode -d " + device)) {
            return switchToDownload(out, scanner, d);
        }
    }

    private int switchToDownload(Output out, DeviceScanner scanner, Device d) throws Exception {
        if (d.inDownloadMode()) {
            out.text(d.port() + ": already in download mode (" + d.vidPid() + ")");
            out.result(ExitCode.OK, null, result(d, null));
            return ExitCode.OK.code;
        }
        modemManager.check(out, rootOptions.realDevices(), targetOptions.proxy, ModemManagerCheck.advice(false),
                ModemManagerCheck.advice(true));
        FirmwareTarget target = targetOptions.target();
        PortWatcher watcher = new PortWatcher(scanner, d, Duration.ofMillis(pollMs)); // before the reset
        DownloadModeSwitch.Outcome o = DownloadModeEntry.enter(d, target, targetOptions.proxy, Duration.ofSeconds(5),
                m -> out.trace(m), q -> { });
        out.text(d.port() + ": reset into download mode (" + o.method().label()
                + (o.toDownload().isEmpty() ? "" : ", modem asks for " + String.join(" + ", o.toDownloadNames()))
                + (o.resetAnswered() ? "" : "; the reset was not answered, as usual when the modem drops at once")
                + ")");
        o.notes().forEach(n -> out.trace("refused: " + n));
        if (waitSeconds <= 0) {
            out.result(ExitCode.OK, null, result(d, o));
            return ExitCode.OK.code;
        }
        Device dl = watcher.await(PortWatcher.downloadMode(), "download-mode device", Duration.ofSeconds(waitSeconds));
        out.text(dl.port() + ": " + dl.vidPid() + " in download mode" + (dl.downloadTty() == null ? ""
                : " on " + dl.downloadTty().node()) + "; flash it with 'modemflash download'");
        out.result(ExitCode.OK, null, result(dl, o));
        return ExitCode.OK.code;
    }

    private static Map<String, Object> result(Device d, DownloadModeSwitch.Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("download_device", d.fields());
        if (o != null) {
            m.put("method", o.method().label());
            m.put("to_download", o.toDownloadNames());
            m.put("reset_answered", o.resetAnswered());
        }
        return m;
    }
}
