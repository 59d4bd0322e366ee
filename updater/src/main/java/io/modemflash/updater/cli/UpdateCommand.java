package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failures;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Output;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.updater.api.Cancellation;
import io.modemflash.updater.pipeline.PortLock;
import io.modemflash.updater.progress.StatusBoard;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.discovery.DeviceScanner;
import io.modemflash.updater.pipeline.Inspection;
import io.modemflash.updater.pipeline.Journal;
import io.modemflash.updater.modemmanager.Inhibition;
import io.modemflash.updater.pipeline.Stage;
import io.modemflash.updater.pipeline.UpdateOptions;
import io.modemflash.updater.pipeline.UpdatePipeline;
import io.modemflash.updater.progress.DownloadProgress;
import io.modemflash.updater.report.JUnitReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
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

    @Parameters(arity = "1..*", paramLabel = "PACKAGE", description = "Firmware package: file, directory or archive; "
            + "or several .cwe/.nvu files taken as one package, written in the order given (as qmi-firmware-update).")
    List<Path> packagePaths;

    @Option(names = {"-d", "--device"}, paramLabel = "DEV",
            description = "Modem to update: /dev/cdc-wdmN, a tty of it, a USB port path (2-1.4), or VID:PID (1199:9071) "
                    + "or BUS:DEV (3:7) matching exactly one device. Repeatable.")
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

    @Option(names = "--no-digest-verify", description = "EDL: do not ask the programmer for the SHA-256 of each "
            + "partition written and compare it with the package's bytes (on by default).")
    boolean noDigestVerify;

    @Option(names = "--timeout", paramLabel = "STAGE=SECONDS",
            description = "Timeout of one stage, e.g. await-modem=300 (repeatable). Stages: inspect, probe, plan, "
                    + "enter-download, await-download-device, download, reset, await-modem, verify.")
    Map<String, Long> timeouts = new LinkedHashMap<>();

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where resume journals are kept (default: ~/.local/state/modemflash).")
    Path stateDir;

    @Option(names = "--junit", paramLabel = "FILE",
            description = "Also write the run as JUnit XML to FILE (for CI: Jenkins, GitLab): one test suite per modem "
                    + "with one test case per stage and one for the modem.")
    Path junitFile;

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

    /** Follows the stages for --junit; null without it. */
    private JUnitReport junit;

    /** A modem named on the command line: found, or why not (reported as its own failed result). */
    private record Target(String name, Device device, Failure failure) {
    }

    @Override
    public Integer call() throws Exception {
        Output out = outputOptions.output();
        UpdateOptions opt = options();
        usableStateDir(opt.stateDir());
        if (junitFile != null) {
            usableReportFile(junitFile);
            junit = new JUnitReport();
            out.listen(junit);
        }
        rootOptions.impliedBy(devices);
        DeviceScanner scanner = rootOptions.scanner();
        List<Target> targets = targets(scanner, opt.stateDir());
        List<Device> found = targets.stream().map(Target::device).filter(java.util.Objects::nonNull).toList();
        // held for the whole update, so ModemManager probes neither the modem nor its download personality
        try (Inhibition inhibition = dryRun || found.isEmpty() ? Inhibition.none()
                : modemManager.inhibit(out, rootOptions.realDevices(), found, noInhibit, target.proxy)) {
            return update(out, opt, scanner, targets);
        }
    }

    private int update(Output out, UpdateOptions opt, DeviceScanner scanner, List<Target> targets) throws Exception {
        out.event("stage-start", Map.of("stage", Stage.INSPECT.label(), "timeout_s",
                opt.timeout(Stage.INSPECT).toSeconds()));
        FirmwarePackage opened;
        try {
            opened = Inspection.open(packagePaths, opt.timeout(Stage.INSPECT));
        } catch (IOException | RuntimeException | InterruptedException e) {
            int code = inspectFailed(out, e);
            writeJunit(out, List.of());
            return code;
        }
        // the package's temporary files go on every way out, Ctrl-C included (the pipelines unwind first)
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
            f.put("image_bytes", pkg.images().stream().mapToLong(i -> i.size()).sum());
            out.event("stage-end", f);
            pkg.problems().forEach(p -> out.event("warning", Map.of("message", p.toString())));
            String sha = UpdatePipeline.fingerprint(pkg);

            boolean single = targets.size() == 1;
            boolean terminal = !out.json() && DownloadProgress.stderrIsTerminal();
            StatusBoard board = !single && terminal ? new StatusBoard(out.stderr(),
                    targets.stream().map(t -> t.device() == null ? t.name() : t.device().port()).toList()) : null;
            List<UpdatePipeline.Result> results = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(targets.size(), r -> {
                Thread t = new Thread(r, "update");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<UpdatePipeline.Result>> futures = new ArrayList<>();
                for (Target t : targets) {
                    futures.add(pool.submit(() -> updateOne(t, pkg, sha, opt, scanner, out, single && terminal,
                            board)));
                }
                for (Future<UpdatePipeline.Result> fu : futures) {
                    results.add(awaitResult(fu));
                }
            } finally {
                pool.shutdownNow();
                if (board != null) {
                    board.close();
                }
            }
            return report(out, results);
        }
    }

    /**
     * A pipeline's result. Ctrl-C interrupts this thread too, but each pipeline stops by
     * itself through its own failure path (with its result and message): wait for that.
     */
    private static UpdatePipeline.Result awaitResult(Future<UpdatePipeline.Result> f) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.interrupted(); // reported through the results; the package must still be closed
            }
        }
    }

    /** One modem: its lock, then its pipeline; a modem that was not found fails alone. */
    private UpdatePipeline.Result updateOne(Target t, FirmwarePackage pkg, String sha, UpdateOptions opt,
                                            DeviceScanner scanner, Output out, boolean humanProgress,
                                            StatusBoard board) {
        if (t.failure() != null) {
            return new UpdatePipeline.Result(t.name(), false, t.failure().exitCode(), t.failure().getMessage(),
                    Map.of());
        }
        try (PortLock lock = dryRun ? null : PortLock.acquire(scanner.roots(), t.device().port(),
                "update " + packagePaths.get(0))) {
            return new UpdatePipeline(pkg, sha, opt, scanner, out, humanProgress).withBoard(board)
                    .run(t.device());
        } catch (Failure busy) {
            return new UpdatePipeline.Result(t.device().port(), false, busy.exitCode(), busy.getMessage(), Map.of());
        }
    }

    /** Each modem's result, a summary for people when there were several, and the run's overall result. */
    private int report(Output out, List<UpdatePipeline.Result> results) {
        ExitCode exit = ExitCode.OK;
        int ok = 0;
        int skipped = 0;
        for (UpdatePipeline.Result r : results) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("device", r.port());
            e.put("ok", r.ok());
            e.put("exit_code", r.exitCode().code);
            if (!r.ok()) {
                e.put("error", r.exitCode().label());
            }
            e.put("message", r.message());
            e.putAll(r.fields());
            out.event("result", e);
            if (r.ok()) {
                ok++;
                if (r.fields().containsKey("skipped")) {
                    skipped++;
                }
                out.text(r.port() + ": " + r.message());
            } else {
                out.note("modemflash: " + r.port() + ": " + r.message());
                if (exit == ExitCode.OK) {
                    exit = r.exitCode();
                }
            }
        }
        String message;
        if (all && skipped == results.size() && exit == ExitCode.OK) {
            exit = ExitCode.WRONG_DEVICE;
            message = "the package fits none of the " + results.size() + " modems found";
            out.note("modemflash: " + message);
        } else {
            message = (ok - skipped) + " of " + results.size() + " modem" + (results.size() == 1 ? "" : "s")
                    + " updated" + (skipped > 0 ? ", " + skipped + " skipped" : "")
                    + (results.size() - ok > 0 ? ", " + (results.size() - ok) + " failed" : "");
        }
        if (Cancellation.cancelled()) {
            exit = Cancellation.reason();
        }
        if (results.size() > 1) {
            summary(results).forEach(out::text);
        }
        writeJunit(out, results);
        Map<String, Object> overall = new LinkedHashMap<>();
        overall.put("devices", results.size());
        overall.put("updated", ok - skipped);
        overall.put("skipped", skipped);
        overall.put("failed", results.size() - ok);
        out.result(exit, message, overall);
        return exit.code;
    }

    /** One line per modem, for people: port, outcome, firmware, bytes sent, message. */
    static List<String> summary(List<UpdatePipeline.Result> results) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-12s %-8s %-14s %12s  %s", "modem", "result", "firmware", "bytes sent",
                "message"));
        for (UpdatePipeline.Result r : results) {
            Object fw = r.fields().getOrDefault("running", r.fields().get("firmware"));
            Object bytes = r.fields().get("bytes_sent");
            lines.add(String.format(Locale.ROOT, "%-12s %-8s %-14s %12s  %s", r.port(),
                    r.ok() ? (r.fields().containsKey("skipped") ? "skipped" : "ok") : r.exitCode().label(),
                    fw == null ? "-" : fw, bytes == null ? "-" : bytes, r.message()));
        }
        return lines;
    }

    /** --junit FILE: its folder must take a file (a usage error now, not a lost report after the flash). */
    private static void usableReportFile(Path file) {
        writableOrUsageError(file.toAbsolutePath().getParent(), "--junit " + file + ": cannot write a report there");
        if (Files.isDirectory(file)) {
            throw new Failure(ExitCode.USAGE, "--junit " + file + ": is a directory; name a file");
        }
    }

    private void writeJunit(Output out, List<UpdatePipeline.Result> results) {
        if (junit == null) {
            return;
        }
        try {
            // several files make one package (update A.cwe B.nvu): the property names them all
            junit.write(junitFile, packagePaths.stream().map(Path::toString).collect(Collectors.joining(" ")), results);
        } catch (IOException e) {
            out.note("modemflash: --junit " + junitFile + ": the report could not be written: " + e.getMessage());
        }
    }

    /** --state-dir must be a directory we can write (a usage error otherwise, not an internal one). */
    private static void usableStateDir(Path dir) {
        writableOrUsageError(dir, "--state-dir " + dir + ": cannot keep resume journals there");
    }

    /** Creates dir if need be and proves a file can be made in it; else a usage error saying problem and why. */
    private static void writableOrUsageError(Path dir, String problem) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | UnsupportedOperationException e) {
            throw new Failure(ExitCode.USAGE, problem + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /** Like any stage's failure: a failed stage-end, and a result naming the stage. */
    private static int inspectFailed(Output out, Exception e) {
        ExitCode code = Cancellation.cancelled() ? Cancellation.reason() : Failures.classify(e);
        String message = Failures.message(e);
        out.event("stage-end", Map.of("stage", Stage.INSPECT.label(), "ok", false, "error", code.label(),
                "message", message));
        out.note("modemflash: " + message);
        out.result(code, message, Map.of("stage", Stage.INSPECT.label()));
        return code.code;
    }

    private UpdateOptions options() {
        EnumMap<Stage, Duration> t = new EnumMap<>(Stage.class);
        for (Map.Entry<String, Long> e : timeouts.entrySet()) {
            Stage s;
            try {
                s = Stage.byLabel(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw new Failure(ExitCode.USAGE, "--timeout: " + ex.getMessage());
            }
            if (e.getValue() <= 0) {
                throw new Failure(ExitCode.USAGE, "--timeout " + e.getKey() + "=" + e.getValue()
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
                .withSkipMisfits(all)
                .withDownload(UpdateOptions.defaults().download().withVerifyDigests(!noDigestVerify));
    }

    private List<Target> targets(DeviceScanner scanner, Path stateDir) {
        if (all && !devices.isEmpty()) {
            throw new Failure(ExitCode.USAGE, "give either -d DEV or --all, not both");
        }
        List<Target> found = new ArrayList<>();
        if (all) {
            scanner.scan().forEach(d -> found.add(new Target(d.port(), d, null)));
            if (found.isEmpty()) {
                throw new Failure(ExitCode.DEVICE_NOT_FOUND, "--all: no modem found in " + scanner.roots().sys());
            }
            return found;
        }
        if (devices.isEmpty()) {
            List<Device> every = scanner.scan();
            if (every.size() == 1) {
                return List.of(new Target(every.get(0).port(), every.get(0), null));
            }
            throw every.isEmpty()
                    ? new Failure(ExitCode.DEVICE_NOT_FOUND, "no modem found (see 'modemflash devices')")
                    : new Failure(ExitCode.USAGE, every.size() + " modems found: name one with -d DEV or use --all");
        }
        for (String spec : devices) {
            Device d = Lookup.modem(scanner, spec, stateDir).orElse(null);
            if (d == null) {
                found.add(new Target(spec, null, new Failure(ExitCode.DEVICE_NOT_FOUND, "no modem at " + spec
                        + " (see 'modemflash devices')")));
            } else if (found.stream().noneMatch(x -> x.device() != null && x.device().port().equals(d.port()))) {
                found.add(new Target(spec, d, null));
            }
        }
        return found;
    }
}
