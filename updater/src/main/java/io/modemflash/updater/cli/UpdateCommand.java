package io.modemflash.updater.cli;

import io.modemflash.images.FirmwarePackage;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.discovery.DeviceScanner;
import io.modemflash.updater.pipeline.Inspection;
import io.modemflash.updater.pipeline.Journal;
import io.modemflash.updater.modemmanager.Inhibition;
import io.modemflash.updater.pipeline.Stage;
import io.modemflash.updater.pipeline.UpdateOptions;
import io.modemflash.updater.pipeline.UpdatePipeline;
import io.modemflash.updater.progress.DownloadProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * `modemflash update PACKAGE [-d DEV...|--all]`: the whole staged update (DESIGN.md 1), one
 * pipeline per modem, in parallel, with one JSON result line per modem.
 */
@Command(name = "update",
        mixinStandardHelpOptions = true,
        description = {"Update a modem's firmware: inspect the package, read the modem over QMI, plan, switch it to "
                + "download mode, follow its USB port, download every image, wait for it to come back and verify "
                + "that it runs what was planned.",
                "A modem already in download mode starts at the download; a run that was killed continues where "
                        + "it stopped when the same command is run again.",
                "While ModemManager runs, the modem is inhibited in it for the whole update (through D-Bus, as "
                        + "fwupd does; the inhibition ends with this process) and given back at the end.",
                "--json: JSON Lines events (stage-start, progress, stage-end, warning, one result per device)."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 done (also: already running it, dry run), 2 usage, 3 device not found,",
                "  4 device busy (or ModemManager refused to inhibit the modem), 5 bad package,",
                "  6 protocol failure (the modem refused, e.g. nothing to download),",
                "  7 timeout, 8 verification mismatch, 9 package for another product,",
                "  10 device disconnected, 130 interrupted (run the same command to resume)."})
public final class UpdateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PACKAGE", description = "Firmware package: file, directory or archive.")
    Path packagePath;

    @Option(names = {"-d", "--device"}, paramLabel = "DEV",
            description = "Modem to update: /dev/cdc-wdmN, a tty of it, or a USB port path (2-1.4). Repeatable.")
    List<String> devices = new ArrayList<>();

    @Option(names = "--all", description = "Update every modem found (in parallel); modems the package is not for "
            + "are skipped with a warning.")
    boolean all;

    @Option(names = "--dry-run", description = "Print the plan, with what would be sent in order, and stop; nothing on the modem changes.")
    boolean dryRun;

    @Option(names = "--force", description = "Flash a package made for another product.")
    boolean force;

    @Option(names = "--skip-verify", description = "Do not compare the running firmware with the plan afterwards (not recommended).")
    boolean skipVerify;

    @Option(names = "--timeout", paramLabel = "STAGE=SECONDS",
            description = "Timeout of one stage, e.g. await-modem=300 (repeatable). Stages: inspect, probe, plan, "
                    + "enter-download, await-download-device, download, reset, await-modem, verify.")
    Map<String, Long> timeouts = new LinkedHashMap<>();

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where resume journals are kept (default: ~/.local/state/modemflash).")
    Path stateDir;

    @Option(names = "--poll-ms", hidden = true, description = "sysfs polling interval (ms).")
    long pollMs = 250;

    @Option(names = "--modem-retry-ms", hidden = true, description = "Pause between QMI attempts after the reboot (ms).")
    long modemRetryMs = 5000;

    @Option(names = "--modem-retries", hidden = true, description = "QMI attempts after the reboot.")
    int modemRetries = 12;

    @Option(names = "--no-inhibit", description = "Do not inhibit the modem in ModemManager; refuse while it runs "
            + "(unless --proxy).")
    boolean noInhibit;

    @Mixin
    UpdateTargetOptions target;

    @Mixin
    OutputOptions outputOptions;

    @Mixin
    DevicesRootOptions rootOptions;

    @Mixin
    ModemManagerOptions modemManager;

    @Override
    public Integer call() throws Exception {
        Output out = new Output(outputOptions);
        UpdateOptions opt = options();
        DeviceScanner scanner = rootOptions.scanner();
        List<Device> targets = targets(scanner);
        // held for the whole update, so ModemManager probes neither the modem nor its download personality
        try (Inhibition inhibition = dryRun ? Inhibition.none()
                : modemManager.inhibit(out, rootOptions.realDevices(), targets, noInhibit, target.proxy)) {
            return update(out, opt, scanner, targets);
        }
    }

    private int update(Output out, UpdateOptions opt, DeviceScanner scanner, List<Device> targets) throws Exception {
        out.event("stage-start", Map.of("stage", Stage.INSPECT.label(), "timeout_s",
                opt.timeout(Stage.INSPECT).toSeconds()));
        FirmwarePackage opened;
        try {
            opened = Inspection.open(packagePath, opt.timeout(Stage.INSPECT));
        } catch (IOException | RuntimeException e) {
            return inspectFailed(out, e);
        }
        try (FirmwarePackage pkg = opened) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("stage", Stage.INSPECT.label());
            f.put("ok", true);
            f.put("protocol", pkg.protocol().label);
            f.put("product", pkg.product());
            f.put("firmware", pkg.firmwareVersion());
            f.put("config", pkg.configVersion());
            f.put("carrier", pkg.carrier());
            f.put("images", pkg.images().size());
            out.event("stage-end", f);
            pkg.problems().forEach(p -> out.event("warning", Map.of("message", p.toString())));
            String sha = UpdatePipeline.fingerprint(pkg);

            boolean single = targets.size() == 1;
            boolean human = single && !out.json() && DownloadProgress.stderrIsTerminal();
            List<UpdatePipeline.Result> results = new ArrayList<>();
            if (single) {
                results.add(new UpdatePipeline(pkg, sha, opt, scanner, out, human).run(targets.get(0)));
            } else {
                ExecutorService pool = Executors.newFixedThreadPool(targets.size(), r -> {
                    Thread t = new Thread(r, "update");
                    t.setDaemon(true);
                    return t;
                });
                try {
                    List<Future<UpdatePipeline.Result>> futures = new ArrayList<>();
                    for (Device d : targets) {
                        futures.add(pool.submit(() -> new UpdatePipeline(pkg, sha, opt, scanner, out, false).run(d)));
                    }
                    for (Future<UpdatePipeline.Result> fu : futures) {
                        results.add(fu.get());
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
            ExitCode exit = ExitCode.OK;
            for (UpdatePipeline.Result r : results) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("device", r.port());
                e.put("ok", r.ok());
                e.put("exit_code", r.exitCode().code);
                if (!r.ok()) {
                    e.put("error", r.exitCode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
                }
                e.put("message", r.message());
                e.putAll(r.fields());
                out.event("result", e);
                if (r.ok()) {
                    out.text(r.port() + ": " + r.message());
                } else {
                    out.note("modemflash: " + r.port() + ": " + r.message());
                    if (exit == ExitCode.OK) {
                        exit = r.exitCode();
                    }
                }
            }
            return exit.code;
        }
    }

    /** Like any stage's failure: a failed stage-end, and a result naming the stage. */
    private static int inspectFailed(Output out, Exception e) {
        ExitCode code = ExitCodes.classify(e);
        String error = code.name().toLowerCase(Locale.ROOT).replace('_', '-');
        String message = ExitCodes.message(e);
        out.event("stage-end", Map.of("stage", Stage.INSPECT.label(), "ok", false, "error", error,
                "message", message));
        out.event("result", Map.of("ok", false, "exit_code", code.code, "error", error, "message", message,
                "stage", Stage.INSPECT.label()));
        out.note("modemflash: " + message);
        return code.code;
    }

    private UpdateOptions options() {
        EnumMap<Stage, Duration> t = new EnumMap<>(Stage.class);
        for (Map.Entry<String, Long> e : timeouts.entrySet()) {
            Stage s;
            try {
                s = Stage.byLabel(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw new CliFailure(ExitCode.USAGE, "--timeout: " + ex.getMessage());
            }
            if (e.getValue() <= 0) {
                throw new CliFailure(ExitCode.USAGE, "--timeout " + e.getKey() + "=" + e.getValue()
                        + ": a stage needs at least 1 second");
            }
            t.put(s, Duration.ofSeconds(e.getValue()));
        }
        return UpdateOptions.defaults()
                .withFlags(dryRun, target.overrideDownload, target.proxy, force, skipVerify)
                .withVersions(target.firmwareVersion, target.configVersion, target.carrier, target.storageIndex)
                .withTimeouts(t)
                .withPolling(Duration.ofMillis(pollMs), Duration.ofMillis(modemRetryMs), modemRetries)
                .withStateDir(stateDir != null ? stateDir : Journal.defaultDir())
                .withSkipMisfits(all);
    }

    private List<Device> targets(DeviceScanner scanner) {
        if (all && !devices.isEmpty()) {
            throw new CliFailure(ExitCode.USAGE, "give either -d DEV or --all, not both");
        }
        List<Device> found = new ArrayList<>();
        if (all) {
            found.addAll(scanner.scan());
            if (found.isEmpty()) {
                throw new CliFailure(ExitCode.DEVICE_NOT_FOUND, "--all: no modem found in " + scanner.roots().sys());
            }
            return found;
        }
        if (devices.isEmpty()) {
            List<Device> every = scanner.scan();
            if (every.size() == 1) {
                return every;
            }
            throw every.isEmpty()
                    ? new CliFailure(ExitCode.DEVICE_NOT_FOUND, "no modem found (see 'modemflash devices')")
                    : new CliFailure(ExitCode.USAGE, every.size() + " modems found: name one with -d DEV or use --all");
        }
        for (String spec : devices) {
            Device d = scanner.find(spec).orElseThrow(() -> new CliFailure(ExitCode.DEVICE_NOT_FOUND,
                    "no modem at " + spec + " (see 'modemflash devices')"));
            if (found.stream().noneMatch(x -> x.port().equals(d.port()))) {
                found.add(d);
            }
        }
        return found;
    }
}
