package io.modemflash.updater.pipeline;

import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.PackageImage;
import io.modemflash.images.Protocol;
import io.modemflash.qdl.download.DownloadSteps;
import io.modemflash.qdl.download.WrongDeviceException;
import io.modemflash.qdl.link.Link;
import io.modemflash.qmi.client.QmiDevice;
import io.modemflash.qmi.prep.FirmwareTarget;
import io.modemflash.qmi.prep.ModemIdentity;
import io.modemflash.updater.api.Cancellation;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Failures;
import io.modemflash.updater.api.Output;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.discovery.DeviceScanner;
import io.modemflash.updater.progress.StatusBoard;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One update of one modem, stage by stage (DESIGN.md 1): probe and plan here, then the
 * {@link Lifecycle} steps {@link Detach} (enter-download, await-download-device),
 * {@link Write} (download, reset), {@link Attach} (await-modem) and {@link Reload} (verify)
 * from where the plan starts. Every stage emits {@code stage-start} and {@code stage-end}
 * (see {@link StageRun}); a stage that is not needed says {@code "skipped"}. Never throws:
 * the outcome, with its exit code, is the returned {@link Result}; a failure, a timeout and a
 * cancellation (Ctrl-C) all end through one path that keeps or removes the resume journal
 * and says where the run stopped. Instances are independent, so several modems are updated
 * in parallel with one pipeline each.
 */
public final class UpdatePipeline {
    /** The package does not fit the modem, and the options say to skip such modems. */
    private static final class Misfit extends RuntimeException {
        Misfit(String why) {
            super(why, null, false, false);
        }
    }

    /** The outcome for one device: the JSON {@code result} event's fields. */
    public record Result(String port, boolean ok, ExitCode exitCode, String message, Map<String, Object> fields) {
    }

    /** Opens the download-mode link of a device (the boot tty, else USB by port path). */
    @FunctionalInterface
    public interface LinkOpener {
        Link open(Device downloadDevice) throws IOException;
    }

    private final FirmwarePackage pkg;
    private final String packageSha256;
    private final UpdateOptions opt;
    private final DeviceScanner scanner;
    private final Output out;
    private final boolean humanProgress;
    private final LinkOpener links;
    private StatusBoard board;

    /**
     * @param humanProgress draw a progress line on the terminal (one device, no --json)
     */
    public UpdatePipeline(FirmwarePackage pkg, String packageSha256, UpdateOptions opt, DeviceScanner scanner,
                          Output out, boolean humanProgress) {
        this(pkg, packageSha256, opt, scanner, out, humanProgress, null);
    }

    public UpdatePipeline(FirmwarePackage pkg, String packageSha256, UpdateOptions opt, DeviceScanner scanner,
                          Output out, boolean humanProgress, LinkOpener links) {
        this.links = links;
        this.pkg = pkg;
        this.packageSha256 = packageSha256;
        this.opt = opt;
        this.scanner = scanner;
        this.out = out;
        this.humanProgress = humanProgress;
    }

    /**
     * Fingerprint of a package for the resume journal: SHA-256 over every image's name, size
     * and CRC-32C, all known from inspection (hashing every image with SHA-256 first would
     * cost more than anything else inspection does). It tells one package from another, it is
     * not a seal: the bytes sent are checked against inspection's CRC-32C while they stream.
     */
    public static String fingerprint(FirmwarePackage pkg) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (PackageImage i : pkg.images()) {
                md.update((i.name() + "\0" + i.size() + "\0" + Long.toHexString(i.crc32c()) + "\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Several modems on a terminal: this pipeline's line on the shared board (null: none). */
    public UpdatePipeline withBoard(StatusBoard b) {
        this.board = b;
        return this;
    }

    /** Updates one modem. Never throws: the outcome, with its exit code, is the result. */
    public Result run(Device device) {
        Result r = runStages(device);
        if (board != null) {
            board.done(r.port(), (r.ok() ? "done: " : "failed: ") + r.message());
        }
        return r;
    }

    private Result runStages(Device device) {
        String port = device.port();
        Journal journal = Journal.of(opt.dryRun() ? null : opt.stateDir(), device.port(), device.peerPort(),
                packageSha256).withNames(names(device));
        StageRun run = new StageRun(pkg, opt, scanner, out, humanProgress, links, board, port, journal);
        Map<String, Object> result = run.result;
        try (Cancellation.Registration w = Cancellation.worker(Thread.currentThread())) {
            Journal.State previous = journal.previous();
            if (previous != null) {
                journal.adopt(previous);
                if (previous.stage().compareTo(Stage.ENTER_DOWNLOAD) >= 0) {
                    run.warning("resuming an interrupted update (last stage " + previous.stage().label()
                            + ", images done: " + previous.imagesDone() + ")");
                }
            }
            run.begin(Stage.PROBE);
            ModemIdentity identity = device.inDownloadMode() ? null : probe(run, device);
            run.end(identity == null ? Map.of("mode", device.mode().label(), "usb_id", device.vidPid())
                    : StageRun.withMode(identity.fields(), device));

            run.begin(Stage.PLAN);
            Plan plan = plan(device, identity, previous);
            run.withinLimit(Stage.PLAN);
            plan.warnings().forEach(run::warning);
            run.event("plan", plan.fields());
            out.text((opt.dryRun() ? "plan for " : "") + port + ": " + plan.describe());
            if (opt.dryRun() && !plan.alreadyRunning()) {
                out.text("would send, in order:");
                plan.describeSteps().forEach(out::text);
            }
            run.end(Map.of("start_at", plan.startAt().label(), "already_running", plan.alreadyRunning()));
            result.put("firmware", plan.target().firmwareVersion());
            if (opt.dryRun()) {
                result.put("dry_run", true);
                run.skipRest(Stage.PLAN, "dry run");
                return new Result(port, true, ExitCode.OK, "dry run: nothing was changed", result);
            }
            if (plan.alreadyRunning()) {
                result.put("already_running", true);
                run.skipRest(Stage.PLAN, "already running this firmware");
                out.note(port + ": already running " + plan.target().firmwareVersion()
                        + " (--override-download flashes it again)");
                journal.delete();
                return new Result(port, true, ExitCode.OK, "already running this firmware", result);
            }

            List<Lifecycle> lifecycle = List.of(new Detach(run), new Write(run), new Attach(run), new Reload(run));
            try {
                steps(run, lifecycle, device, plan);
            } catch (Failure f) {
                if (f.exitCode() != ExitCode.VERIFY_MISMATCH || plan.startAt() != Stage.VERIFY) {
                    throw f;
                }
                // The interrupted run's download never took (the modem lost power before it
                // committed, or was restarted): the journal was wrong to skip it. Flash again.
                run.warning("the interrupted run's download did not take (" + f.getMessage() + "): flashing again");
                run.fail(ExitCode.VERIFY_MISMATCH, f.getMessage());
                journal.delete();
                journal.adopt(new Journal.State(port, device.peerPort(), packageSha256, Stage.PROBE, List.of()));
                Plan again = plan.restartedAt(Stage.ENTER_DOWNLOAD);
                plan = again.withSteps(steps(device, again));
                Device app = scanner.at(port).orElse(device);
                steps(run, lifecycle, app, plan);
            }
            journal.delete();
            return new Result(port, true, ExitCode.OK, "updated to " + plan.target().firmwareVersion(), result);
        } catch (Misfit m) {
            // a modem --all found that the package is not for: left alone, not a failure
            run.warning(m.getMessage() + "; skipped (--force flashes it anyway)");
            run.end(Map.of("skipped", "the package does not fit this modem"));
            run.skipRest(Stage.PLAN, "the package does not fit this modem");
            result.put("skipped", m.getMessage());
            return new Result(port, true, ExitCode.OK, "skipped: " + m.getMessage(), result);
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.interrupted(); // the failure is reported below; closing ports must not be cut short
            }
            Stage failed = run.current();
            if (t instanceof Detach.WrongMode || failed == Stage.VERIFY) {
                // verify: the download went through and the modem says otherwise; wrong mode: nothing was
                // written. Either way a rerun must start over, not "resume".
                try {
                    journal.delete();
                } catch (IOException e) {
                    out.note("modemflash: cannot remove the resume journal: " + e.getMessage());
                }
            }
            ExitCode code = Cancellation.cancelled() ? Cancellation.reason() : classify(t);
            String message = Failures.message(t);
            if (Cancellation.cancelled()) {
                message = run.interrupted(code, failed);
            } else if (code == ExitCode.DEVICE_GONE && failed != null) {
                // the link's own words ("closed", EIO) do not say what happened, nor that a rerun continues
                message = "the device disconnected during " + failed.label() + " (" + message
                        + "); run the same command again to continue";
            }
            run.fail(code, message);
            result.put("stage", failed == null ? null : failed.label());
            return new Result(port, false, code, message, result);
        }
    }

    /**
     * The lifecycle from the plan's start on: steps before it report their stages as skipped
     * (a modem found in download mode, a download an interrupted run completed).
     */
    private static void steps(StageRun run, List<Lifecycle> lifecycle, Device device, Plan plan) throws Exception {
        Device d = device;
        for (Lifecycle step : lifecycle) {
            if (step.stages().get(0).compareTo(plan.startAt()) < 0) {
                String why = plan.startAt() == Stage.DOWNLOAD ? "already in download mode"
                        : "done by the interrupted run";
                step.stages().forEach(s -> run.skip(s, why));
            } else {
                d = step.run(d, plan);
            }
        }
    }

    /** The device's names (QMI node, ttys): a rerun naming a node that vanished finds the journal by them. */
    private static List<String> names(Device d) {
        List<String> n = new ArrayList<>();
        if (d.qmiNode() != null) {
            n.add(d.qmiNode().toString());
        }
        d.ttys().forEach(t -> n.add(t.node().toString()));
        return n;
    }

    // ------------------------------------------------------------------ probe and plan

    private ModemIdentity probe(StageRun run, Device device) throws Exception {
        if (device.qmiNode() == null) {
            throw new Failure(ExitCode.DEVICE_NOT_FOUND, "the modem on USB port " + device.port()
                    + " has no QMI port (no cdc-wdm node bound to qmi_wwan)");
        }
        // read-only: never Sync (it would drop the client ids of everyone sharing the port)
        try (QmiDevice q = QmiDevice.open(device.qmiNode(), opt.proxy(),
                run.qmiOptions().withSyncOnOpen(false))) {
            return run.withWatchdog(Stage.PROBE, q, () -> ModemIdentity.read(q.dms()));
        }
    }

    private Plan plan(Device device, ModemIdentity id, Journal.State previous) {
        Protocol protocol = pkg.protocol();
        String fw = first(opt.firmwareVersion(), pkg.firmwareVersion());
        String config = first(opt.configVersion(), pkg.configVersion());
        String carrier = first(opt.carrier(), pkg.carrier());
        boolean sierraPackage = protocol == Protocol.SIERRA_QDL || protocol == Protocol.SIERRA_FIREHOSE;
        FirmwareTarget target = new FirmwareTarget(fw, config, carrier, opt.overrideDownload(), opt.storageIndex());
        List<String> warnings = new ArrayList<>();
        String misfit = null;
        if (id != null) {
            boolean sierraModem = id.swi() != null || id.sierraProduct() != null;
            if (sierraPackage && !sierraModem) {
                misfit = "this " + protocol.label + " package is for Sierra Wireless modems; " + id.model()
                        + " is not one";
            } else if (!sierraPackage && sierraModem) {
                misfit = "this " + protocol.label + " package is not for Sierra Wireless modems like " + id.model();
            } else if (sierraPackage && pkg.product() != null && id.sierraProduct() != null
                    && !pkg.product().equalsIgnoreCase(id.sierraProduct())) {
                misfit = "the package is for " + pkg.product() + " modems; " + id.model() + " is a "
                        + id.sierraProduct();
            }
        } else if (!Plan.fits(device.protocol(), protocol)) {
            misfit = "the device in download mode speaks " + device.protocol().name().toLowerCase(Locale.ROOT)
                    .replace('_', '-') + "; the package needs " + protocol.label;
        }
        if (misfit != null) {
            if (!opt.force() && opt.skipMisfits()) {
                throw new Misfit(misfit);
            }
            if (!opt.force()) {
                throw new Failure(ExitCode.WRONG_DEVICE, misfit + " (--force flashes it anyway)");
            }
            warnings.add(misfit + "; flashing anyway (--force)");
        }
        boolean running = id != null && fw != null && !opt.overrideDownload() && new Plan(id, target, protocol, false, Stage.PROBE, List.of(), List.of(), List.of(), List.of()).runBy(id);
        Stage start;
        List<String> skip = List.of();
        if (id == null) {
            start = Stage.DOWNLOAD;
            if (previous != null) {
                skip = previous.imagesDone();
            }
        } else if (previous != null && previous.stage().compareTo(Stage.AWAIT_MODEM) >= 0) {
            start = Stage.VERIFY; // killed after the download went through
        } else {
            start = Stage.ENTER_DOWNLOAD;
        }
        if (fw == null) {
            warnings.add("the package names no firmware version: the result cannot be verified");
        }
        boolean already = running && start != Stage.VERIFY;
        Plan p = new Plan(id, target, protocol, already, start,
                pkg.images().stream().map(PackageImage::name).toList(), skip, warnings, List.of());
        return already ? p : p.withSteps(steps(device, p));
    }

    /** What the stages from the plan's start on would send, in order (the dry run prints it). */
    private List<Plan.Step> steps(Device device, Plan plan) {
        List<Plan.Step> out = new ArrayList<>();
        if (plan.startAt() == Stage.ENTER_DOWNLOAD) {
            out.addAll(DownloadModeEntry.steps(plan.entryTarget(), device.vendorId() == DownloadModeEntry.SIERRA_VENDOR));
        }
        if (plan.startAt().compareTo(Stage.DOWNLOAD) <= 0) {
            DownloadSteps.Steps d = DownloadSteps.of(pkg, plan.downloadOptions(opt.download()));
            d.download().forEach(s -> out.add(new Plan.Step(Stage.DOWNLOAD, s, null)));
            if (d.reset() != null) {
                out.add(new Plan.Step(Stage.RESET, d.reset(), null));
            }
        }
        if (!opt.skipVerify()) {
            out.add(new Plan.Step(Stage.VERIFY, "DMS Get Revision and the other identity reads (nothing is changed)",
                    null));
        }
        return out;
    }

    /** "2 s" or "300 ms". */
    static String seconds(Duration d) {
        return StageRun.seconds(d);
    }

    private static ExitCode classify(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof WrongDeviceException) {
                return ExitCode.WRONG_DEVICE;
            }
            if (c instanceof Failure) {
                break;
            }
        }
        return Failures.classify(t);
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }
}
