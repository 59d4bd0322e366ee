package io.modemflash.updater.pipeline;

import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.PackageImage;
import io.modemflash.images.Protocol;
import io.modemflash.qdl.download.DownloadEvent;
import io.modemflash.qdl.download.DownloadListener;
import io.modemflash.qdl.download.DownloadResult;
import io.modemflash.qdl.download.DownloadSteps;
import io.modemflash.qdl.download.Downloader;
import io.modemflash.qdl.download.WrongDeviceException;
import io.modemflash.qdl.link.DownloadModeDevices.BootProtocol;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.link.TtyLink;
import io.modemflash.qdl.link.UsbLink;
import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.client.QmiDevice;
import io.modemflash.qmi.client.QmiDeviceOptions;
import io.modemflash.qmi.prep.DownloadModeSwitch;
import io.modemflash.qmi.prep.FirmwareTarget;
import io.modemflash.qmi.prep.ModemIdentity;
import io.modemflash.updater.cli.CliFailure;
import io.modemflash.updater.cli.ExitCode;
import io.modemflash.updater.cli.ExitCodes;
import io.modemflash.updater.cli.Output;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.discovery.DeviceScanner;
import io.modemflash.updater.discovery.PortWatcher;
import io.modemflash.updater.discovery.SystemRoots;
import io.modemflash.updater.progress.DownloadProgress;
import io.modemflash.updater.progress.Throttle;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One update of one modem, stage by stage (DESIGN.md 1): probe, plan, enter-download,
 * await-download-device, download, reset, await-modem, verify. Every stage emits
 * {@code stage-start} and {@code stage-end} (JSON events carry {@code "device": port}); a
 * stage that is not needed says {@code "skipped"}. Each stage has a timeout: waits use it
 * directly, device I/O is cut by closing the port when it expires. Never throws: the
 * outcome, with its exit code, is the returned {@link Result}. Instances are independent, so
 * several modems are updated in parallel with one pipeline each.
 */
public final class UpdatePipeline {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stage-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** The package does not fit the modem, and the options say to skip such modems. */
    private static final class Misfit extends RuntimeException {
        Misfit(String why) {
            super(why, null, false, false);
        }
    }

    /** The outcome for one device: the JSON {@code result} event's fields. */
    public record Result(String port, boolean ok, ExitCode exitCode, String message, Map<String, Object> fields) {
    }

    /** Opens the download-mode link of a device (tests put the emulator's link here). */
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
    private String port;
    private Stage stage;
    private long stageStarted;

    /**
     * @param humanProgress draw a progress line on the terminal (one device, no --json)
     */
    public UpdatePipeline(FirmwarePackage pkg, String packageSha256, UpdateOptions opt, DeviceScanner scanner,
                          Output out, boolean humanProgress) {
        this(pkg, packageSha256, opt, scanner, out, humanProgress, null);
    }

    public UpdatePipeline(FirmwarePackage pkg, String packageSha256, UpdateOptions opt, DeviceScanner scanner,
                          Output out, boolean humanProgress, LinkOpener links) {
        this.links = links != null ? links : this::openLink;
        this.pkg = pkg;
        this.packageSha256 = packageSha256;
        this.opt = opt;
        this.scanner = scanner;
        this.out = out;
        this.humanProgress = humanProgress;
    }

    /** Fingerprint of a package: SHA-256 over every image's name and SHA-256 (already computed by inspect). */
    public static String fingerprint(FirmwarePackage pkg) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (PackageImage i : pkg.images()) {
                md.update((i.name() + "\0" + i.sha256() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Result run(Device device) {
        port = device.port();
        Journal journal = Journal.of(opt.dryRun() ? null : opt.stateDir(), device.port(), device.peerPort(),
                packageSha256);
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            Journal.State previous = journal.previous();
            if (previous != null) {
                journal.adopt(previous);
                event("warning", Map.of("message", "resuming an interrupted update (last stage "
                        + previous.stage().label() + ", images done: " + previous.imagesDone() + ")"));
            }
            // probe
            begin(Stage.PROBE);
            ModemIdentity identity = device.inDownloadMode() ? null : probe(device);
            end(identity == null ? Map.of("mode", device.mode().label(), "usb_id", device.vidPid())
                    : withMode(identity.fields(), device));

            // plan
            begin(Stage.PLAN);
            Plan plan = plan(device, identity, previous, journal);
            withinLimit(Stage.PLAN);
            plan.warnings().forEach(w -> event("warning", Map.of("message", w)));
            event("plan", plan.fields());
            out.text((opt.dryRun() ? "plan for " : "") + port + ": " + plan.describe());
            if (opt.dryRun() && !plan.alreadyRunning()) {
                out.text("would send, in order:");
                plan.describeSteps().forEach(out::text);
            }
            end(Map.of("start_at", plan.startAt().label(), "already_running", plan.alreadyRunning()));
            result.put("firmware", plan.target().firmwareVersion());
            if (opt.dryRun()) {
                result.put("dry_run", true);
                skipRest(Stage.PLAN, "dry run");
                return new Result(port, true, ExitCode.OK, "dry run: nothing was changed", result);
            }
            if (plan.alreadyRunning()) {
                result.put("already_running", true);
                skipRest(Stage.PLAN, "already running this firmware");
                out.note(port + ": already running " + plan.target().firmwareVersion()
                        + " (--override-download flashes it again)");
                journal.delete();
                return new Result(port, true, ExitCode.OK, "already running this firmware", result);
            }

            // enter-download + await-download-device
            Device dl;
            if (plan.startAt() == Stage.DOWNLOAD) {
                skip(Stage.ENTER_DOWNLOAD, "already in download mode");
                skip(Stage.AWAIT_DOWNLOAD_DEVICE, "already in download mode");
                dl = device;
            } else if (plan.startAt() == Stage.VERIFY) {
                dl = null;
            } else {
                journal.stage(Stage.ENTER_DOWNLOAD);
                begin(Stage.ENTER_DOWNLOAD);
                PortWatcher watcher = new PortWatcher(scanner, device, opt.poll());
                DownloadModeSwitch.Outcome o = enterDownload(device, plan);
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("method", o.method().label());
                f.put("to_download", o.toDownloadNames());
                f.put("reset_answered", o.resetAnswered());
                end(f);
                begin(Stage.AWAIT_DOWNLOAD_DEVICE);
                dl = watcher.await(PortWatcher.downloadMode(), "download-mode device",
                        opt.timeout(Stage.AWAIT_DOWNLOAD_DEVICE));
                end(dl.fields());
            }

            Device app;
            if (dl != null) {
                journal.stage(Stage.DOWNLOAD);
                compatible(dl);
                PortWatcher back = new PortWatcher(scanner, dl, opt.poll());
                DownloadResult r = download(dl, plan, journal);
                result.put("bytes", r.bytes());
                journal.stage(Stage.AWAIT_MODEM);
                begin(Stage.AWAIT_MODEM);
                app = back.await(PortWatcher.applicationMode(), "modem (application mode)",
                        opt.timeout(Stage.AWAIT_MODEM));
                awaitQmi(app);
                end(withMode(new LinkedHashMap<>(), app));
            } else {
                for (Stage s : List.of(Stage.ENTER_DOWNLOAD, Stage.AWAIT_DOWNLOAD_DEVICE, Stage.DOWNLOAD, Stage.RESET,
                        Stage.AWAIT_MODEM)) {
                    skip(s, "done by the interrupted run");
                }
                app = device;
            }

            // verify
            journal.stage(Stage.VERIFY);
            begin(Stage.VERIFY);
            if (opt.skipVerify()) {
                event("warning", Map.of("message", "verification skipped (--skip-verify): the running firmware "
                        + "was not compared with the plan"));
                end(Map.of("skipped", "--skip-verify"));
            } else {
                ModemIdentity now = verify(app, plan);
                end(now.fields());
                result.put("running", now.firmwareVersion());
            }
            journal.delete();
            return new Result(port, true, ExitCode.OK, "updated to " + plan.target().firmwareVersion(), result);
        } catch (Misfit m) {
            // a modem --all found that the package is not for: left alone, not a failure
            event("warning", Map.of("message", m.getMessage() + "; skipped (--force flashes it anyway)"));
            end(Map.of("skipped", "the package does not fit this modem"));
            skipRest(Stage.PLAN, "the package does not fit this modem");
            result.put("skipped", m.getMessage());
            return new Result(port, true, ExitCode.OK, "skipped: " + m.getMessage(), result);
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (stage == Stage.VERIFY) {
                // the download went through and the modem says otherwise: the next run starts over
                try {
                    journal.delete();
                } catch (IOException e) {
                    out.note("modemflash: cannot remove the resume journal: " + e.getMessage());
                }
            }
            ExitCode code = classify(t);
            String message = ExitCodes.message(t);
            if (code == ExitCode.DEVICE_GONE && stage != null) {
                // the link's own words ("closed", EIO) do not say what happened, nor that a rerun continues
                message = "the device disconnected during " + stage.label() + " (" + message
                        + "); run the same command again to continue";
            }
            if (stage != null) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("ok", false);
                f.put("error", code.name().toLowerCase(Locale.ROOT).replace('_', '-'));
                f.put("message", message);
                stageEvent("stage-end", f);
            }
            result.put("stage", stage == null ? null : stage.label());
            return new Result(port, false, code, message, result);
        }
    }

    // ------------------------------------------------------------------ stages

    private ModemIdentity probe(Device device) throws Exception {
        if (device.qmiNode() == null) {
            throw new CliFailure(ExitCode.DEVICE_NOT_FOUND, "the modem on USB port " + device.port()
                    + " has no QMI port (no cdc-wdm node bound to qmi_wwan)");
        }
        // read-only: never Sync (it would drop the client ids of everyone sharing the port)
        try (QmiDevice q = QmiDevice.open(device.qmiNode(), opt.proxy(),
                qmiOptions().withSyncOnOpen(false))) {
            return withWatchdog(Stage.PROBE, q, () -> ModemIdentity.read(q.dms()));
        }
    }

    private Plan plan(Device device, ModemIdentity id, Journal.State previous, Journal journal) {
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
        } else if (!protocolFits(device.protocol(), protocol)) {
            misfit = "the device in download mode speaks " + device.protocol().name().toLowerCase(Locale.ROOT)
                    .replace('_', '-') + "; the package needs " + protocol.label;
        }
        if (misfit != null) {
            if (!opt.force() && opt.skipMisfits()) {
                throw new Misfit(misfit);
            }
            if (!opt.force()) {
                throw new CliFailure(ExitCode.WRONG_DEVICE, misfit + " (--force flashes it anyway)");
            }
            warnings.add(misfit + "; flashing anyway (--force)");
        }
        boolean running = id != null && fw != null && !opt.overrideDownload() && runs(id, target, sierraPackage);
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
            out.addAll(DownloadModeEntry.steps(entryTarget(plan), device.vendorId() == DownloadModeEntry.SIERRA_VENDOR));
        }
        if (plan.startAt().compareTo(Stage.DOWNLOAD) <= 0) {
            DownloadSteps.Steps d = DownloadSteps.of(pkg, downloadOptions(plan));
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

    /** Sierra packages ask for a firmware preference when all three versions are known; others never. */
    private static FirmwareTarget entryTarget(Plan plan) {
        boolean sierra = plan.protocol() == Protocol.SIERRA_QDL || plan.protocol() == Protocol.SIERRA_FIREHOSE;
        return sierra && plan.target().hasPreference() ? plan.target() : FirmwareTarget.NONE;
    }

    private io.modemflash.qdl.download.DownloadOptions downloadOptions(Plan plan) {
        return opt.download().withReset(true).withSkipImages(new java.util.HashSet<>(plan.skipImages()));
    }

    /** A device whose id does not tell its protocol fits: the download's detection step decides. */
    private static boolean protocolFits(BootProtocol device, Protocol pkg) {
        if (device == null) {
            return true;
        }
        return switch (pkg) {
            case SIERRA_QDL, GOBI_QDL -> device == BootProtocol.SIERRA_QDL;
            case SIERRA_FIREHOSE -> device == BootProtocol.SIERRA_SAHARA_FIREHOSE;
            case QUALCOMM_EDL -> device == BootProtocol.SAHARA;
        };
    }

    /** Does the modem run the target? Sierra: firmware/config/carrier; others: the revision names the version. */
    private static boolean runs(ModemIdentity id, FirmwareTarget t, boolean sierra) {
        if (sierra) {
            return Objects.equals(t.firmwareVersion(), id.firmwareVersion())
                    && (t.configVersion() == null || t.configVersion().equals(id.configVersion()))
                    && (t.carrier() == null || t.carrier().equals(id.carrier()));
        }
        return id.revision() != null && id.revision().contains(t.firmwareVersion());
    }

    private DownloadModeSwitch.Outcome enterDownload(Device device, Plan plan) throws Exception {
        FirmwareTarget target = entryTarget(plan);
        AutoCloseable[] port = new AutoCloseable[1];
        AutoCloseable closer = () -> {
            if (port[0] != null) {
                port[0].close();
            }
        };
        return withWatchdog(Stage.ENTER_DOWNLOAD, closer, () -> DownloadModeEntry.enter(device, target, opt.proxy(),
                Duration.ofSeconds(5), m -> out.trace(this.port + ": " + m), q -> port[0] = q));
    }

    private void compatible(Device dl) {
        if (!protocolFits(dl.protocol(), pkg.protocol()) && !opt.force()) {
            throw new CliFailure(ExitCode.WRONG_DEVICE, "the modem came back in download mode as " + dl.vidPid()
                    + ", which does not speak " + pkg.protocol().label + " (--force tries anyway)");
        }
    }

    private DownloadResult download(Device dl, Plan plan, Journal journal) throws Exception {
        begin(Stage.DOWNLOAD);
        AtomicBoolean resetStarted = new AtomicBoolean();
        DownloadResult r;
        try (Link link = links.open(dl)) {
            // one call spans download and reset: the watchdog takes the reset's own limit when it starts
            Watchdog dog = new Watchdog(Stage.DOWNLOAD, link);
            Downloader downloader = new Downloader(downloadOptions(plan), listener(journal, resetStarted, dog));
            try {
                r = downloader.download(pkg, link);
            } catch (Exception e) {
                throw dog.explain(e);
            } finally {
                dog.close();
            }
        }
        if (!resetStarted.get()) {
            end(Map.of());
            begin(Stage.RESET);
        }
        end(Map.of("bytes", r.bytes(), "images", r.images().size(), "reset", r.reset()));
        return r;
    }

    /** Download events as stage events, progress and journal entries; the reset step starts the reset stage. */
    private DownloadListener listener(Journal journal, AtomicBoolean resetStarted, Watchdog dog) {
        Throttle throttle = Throttle.json();
        DownloadListener human = humanProgress
                ? new DownloadProgress(new Output(false, out.verbose(), out.stderr(), out.stderr()), true, "download",
                System::nanoTime)
                : DownloadListener.NONE;
        return e -> {
            human.on(e);
            if (e instanceof DownloadEvent.Stage s && s.stage().equals("reset") && resetStarted.compareAndSet(false,
                    true)) {
                end(Map.of());
                begin(Stage.RESET);
                dog.arm(Stage.RESET);
            } else if (e instanceof DownloadEvent.ImageStarted s) {
                stageEvent("image", Map.of("image", s.image(), "what", "started", "bytes", s.bytes()));
            } else if (e instanceof DownloadEvent.ImageProgress p) {
                if (out.json() && throttle.due(System.nanoTime(), p.done(), p.total())) {
                    stageEvent("progress", Map.of("image", p.image(), "done", p.done(), "total", p.total()));
                }
            } else if (e instanceof DownloadEvent.ImageDone d) {
                try {
                    journal.imageDone(d.image());
                } catch (IOException ex) {
                    out.note("modemflash: cannot write the resume journal: " + ex.getMessage());
                }
                stageEvent("image", Map.of("image", d.image(), "what", "done", "bytes", d.bytes()));
                if (!out.json() && !humanProgress) {
                    out.note(port + ": " + d.image() + " written (" + d.bytes() + " bytes)");
                }
            } else if (e instanceof DownloadEvent.ImageSkipped s) {
                stageEvent("image", Map.of("image", s.image(), "what", "skipped", "reason", s.reason()));
            } else if (e instanceof DownloadEvent.Warning w) {
                event("warning", Map.of("message", w.text()));
            } else if (e instanceof DownloadEvent.Log l) {
                out.trace(port + ": " + l.text());
            }
        };
    }

    /**
     * The boot tty, or USB by port path (libusb detaches qcserial). A device that speaks first
     * (a Sahara HELLO on the first IN transfer) is claimed over USB even when it has a tty: the
     * tty's first open starts the read URBs and the line discipline processes the first bytes
     * with the kernel's cooked, echoing defaults inside that open, before any termios call can
     * land (the kernel resets a minor's termios when a new device takes it). The tty is then
     * only the fallback, with a warning.
     */
    private Link openLink(Device dl) throws IOException {
        Device.Tty tty = dl.downloadTty();
        List<String> ports = dl.peerPort() == null ? List.of(dl.port()) : List.of(dl.port(), dl.peerPort());
        if (tty == null) {
            return UsbLink.open(ports, null);
        }
        if (claimOverUsb(pkg.protocol(), scanner.roots())) {
            try {
                return UsbLink.open(ports, null);
            } catch (IOException | RuntimeException | LinkageError e) {
                event("warning", Map.of("message", "cannot claim " + dl.vidPid() + " on USB port " + dl.port()
                        + " (" + e.getMessage() + "); using " + tty.node() + ", whose line discipline may echo"
                        + " or alter the first bytes the device sends"));
            }
        }
        return TtyLink.open(tty.node());
    }

    /**
     * Whether a download-mode device with a tty is better claimed over USB: when the protocol has
     * the device speak first (every Sahara flow; Sierra/Gobi QDL devices wait for the host's
     * hello), and only on the real sysfs, whose port paths name real USB ports.
     */
    static boolean claimOverUsb(Protocol protocol, SystemRoots roots) {
        return roots.isSystem() && protocol != Protocol.SIERRA_QDL && protocol != Protocol.GOBI_QDL;
    }

    /** The modem is back on the bus: poll QMI until it answers (it needs a while after enumeration). */
    private void awaitQmi(Device app) throws Exception {
        // the re-enumeration and the polls share the stage's limit
        long deadline = stageStarted + opt.timeout(Stage.AWAIT_MODEM).toNanos();
        Exception last = null;
        for (int attempt = 1; attempt <= opt.modemRetries() && System.nanoTime() < deadline; attempt++) {
            try (QmiDevice q = QmiDevice.open(app.qmiNode(), opt.proxy(), qmiOptions().withSyncOnOpen(false)
                    .withSync(Duration.ofSeconds(2), 1))) {
                q.dms().getRevision();
                return;
            } catch (QmiException e) {
                last = e;
                Thread.sleep(opt.modemRetryInterval().toMillis());
            }
        }
        throw new CliFailure(ExitCode.TIMEOUT, "the modem is back on USB port " + app.port() + " but its QMI port "
                + app.qmiNode() + " did not answer within the stage's " + seconds(opt.timeout(Stage.AWAIT_MODEM))
                + " (" + opt.modemRetries() + " attempts at most"
                + (last == null ? "" : "; last: " + last.getMessage()) + ")");
    }

    private ModemIdentity verify(Device app, Plan plan) throws Exception {
        ModemIdentity now;
        try (QmiDevice q = QmiDevice.open(app.qmiNode(), opt.proxy(),
                qmiOptions().withSyncOnOpen(false))) {
            now = withWatchdog(Stage.VERIFY, q, () -> ModemIdentity.read(q.dms()));
        }
        FirmwareTarget t = plan.target();
        if (t.firmwareVersion() == null) {
            return now;
        }
        boolean sierra = plan.protocol() == Protocol.SIERRA_QDL || plan.protocol() == Protocol.SIERRA_FIREHOSE;
        if (!runs(now, t, sierra)) {
            String want = sierra ? t.firmwareVersion() + " / " + t.configVersion() + " / " + t.carrier()
                    : t.firmwareVersion();
            String got = sierra ? now.firmwareVersion() + " / " + now.configVersion() + " / " + now.carrier()
                    : now.revision();
            throw new CliFailure(ExitCode.VERIFY_MISMATCH, "the modem runs " + got + ", not the planned " + want);
        }
        if (sierra && now.firmwarePreference() != null && now.firmwarePreference().stream()
                .noneMatch(i -> i.buildId().startsWith(t.firmwareVersion()))) {
            event("warning", Map.of("message", "the firmware preference " + now.firmwarePreference()
                    + " does not name " + t.firmwareVersion()));
        }
        return now;
    }

    // ------------------------------------------------------------------ helpers

    private QmiDeviceOptions qmiOptions() {
        return QmiDeviceOptions.defaults();
    }

    private interface Body<T> {
        T run() throws Exception;
    }

    /** Runs body; when the stage's timeout expires first, closes the resource so that blocked I/O fails. */
    private <T> T withWatchdog(Stage s, AutoCloseable resource, Body<T> body) throws Exception {
        Watchdog dog = new Watchdog(s, resource);
        try {
            return body.run();
        } catch (Exception e) {
            throw dog.explain(e);
        } finally {
            dog.close();
        }
    }

    /**
     * Closes a resource when the limit of the stage it guards passes, so that blocked I/O
     * fails; {@link #arm} moves it to the next stage when one call spans two (download, reset).
     */
    private final class Watchdog implements AutoCloseable {
        private final AutoCloseable resource;
        private Stage guarded;
        private ScheduledFuture<?> timer;
        private Stage expired;

        Watchdog(Stage s, AutoCloseable resource) {
            this.resource = resource;
            arm(s);
        }

        /** From now on the limit of s applies, counted from now. */
        synchronized void arm(Stage s) {
            if (timer != null) {
                timer.cancel(false);
            }
            guarded = s;
            timer = WATCHDOG.schedule(() -> expire(s), opt.timeout(s).toMillis(), TimeUnit.MILLISECONDS);
        }

        private void expire(Stage s) {
            synchronized (this) {
                if (s != guarded) {
                    return; // re-armed while this timer was due
                }
                expired = s;
            }
            try {
                resource.close();
            } catch (Exception e) {
                // closing is all we can do
            }
        }

        /** What to throw for e: a timeout naming the stage when the limit closed the resource, else e. */
        synchronized Exception explain(Exception e) {
            if (expired == null) {
                return e;
            }
            return new CliFailure(ExitCode.TIMEOUT, "stage " + expired.label() + " did not finish within "
                    + seconds(opt.timeout(expired)) + " (" + ExitCodes.message(e) + ")", e);
        }

        @Override
        public synchronized void close() {
            timer.cancel(false);
        }
    }

    /** For stages without device I/O to cut: the stage fails when it took longer than its limit. */
    private void withinLimit(Stage s) {
        Duration took = Duration.ofNanos(System.nanoTime() - stageStarted);
        if (took.compareTo(opt.timeout(s)) > 0) {
            throw new CliFailure(ExitCode.TIMEOUT, "stage " + s.label() + " took " + seconds(took)
                    + ", over its limit of " + seconds(opt.timeout(s)));
        }
    }

    /** "2 s" or "300 ms". */
    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static ExitCode classify(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof WrongDeviceException) {
                return ExitCode.WRONG_DEVICE;
            }
            if (c instanceof CliFailure) {
                break;
            }
        }
        return ExitCodes.classify(t);
    }

    private static Map<String, Object> withMode(Map<String, Object> fields, Device d) {
        Map<String, Object> m = new LinkedHashMap<>(fields);
        m.put("mode", d.mode().label());
        m.put("usb_id", d.vidPid());
        return m;
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    private void begin(Stage s) {
        stage = s;
        stageStarted = System.nanoTime();
        stageEvent("stage-start", Map.of("timeout_s", opt.timeout(s).toSeconds()));
    }

    private void end(Map<String, Object> fields) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", true);
        f.put("ms", (System.nanoTime() - stageStarted) / 1_000_000);
        f.putAll(fields);
        stageEvent("stage-end", f);
        stage = null;
    }

    private void skip(Stage s, String why) {
        stage = s;
        stageEvent("stage-start", Map.of("timeout_s", opt.timeout(s).toSeconds()));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ok", true);
        f.put("skipped", why);
        stageEvent("stage-end", f);
        stage = null;
    }

    private void skipRest(Stage after, String why) {
        for (Stage s : Stage.values()) {
            if (s.compareTo(after) > 0) {
                skip(s, why);
            }
        }
    }

    private void stageEvent(String name, Map<String, ?> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", port);
        if (stage != null) {
            m.put("stage", stage.label());
        }
        m.putAll(fields);
        out.event(name, m);
    }

    private void event(String name, Map<String, ?> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", port);
        m.putAll(fields);
        out.event(name, m);
        if (name.equals("warning")) {
            out.note("modemflash: " + port + ": warning: " + fields.get("message"));
        }
    }
}
