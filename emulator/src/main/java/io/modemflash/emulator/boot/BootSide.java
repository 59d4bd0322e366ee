package io.modemflash.emulator.boot;

import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.ModemEvent;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.Versions;
import io.modemflash.qdl.link.InMemoryLink;
import io.modemflash.qdl.link.Link;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The boot side of an emulated modem: when the QMI side asks for download mode it takes the
 * modem off the bus, brings it back in its download personality (EDL / Sierra Firehose /
 * Sierra QDL) and serves that until the device resets; then it installs what was flashed
 * (the QMI side reports the new firmware) and returns to application mode. An interrupted
 * session (disconnect, host closing the port) re-enumerates in download mode.
 */
public final class BootSide implements Closeable {
    /** Gap between the old device leaving and the new one appearing (real kernels remove first). */
    static final long REENUMERATION_GAP_MS = 100;
    static final String VERSION_MARKER = "QC_IMAGE_VERSION_STRING=";

    private final Profile profile;
    private final QmiEngine qmi;
    private final BootFaults faults;
    private final DownloadMode mode;
    private final Path storageDir;
    private final boolean tempStorage;
    private final BlockStorage blocks;
    private final ImageStore images;
    private final Consumer<String> diagnostics;
    private final InProcessPort inProcess = new InProcessPort();
    private volatile UsbPort port = inProcess;
    private volatile boolean stopping;
    private Thread worker;
    private boolean downloadMode;
    /** A power cycle of the application-mode modem (unplugged and plugged back) is under way. */
    private boolean replugging;
    /** The device end of the download session on the bus now (null between sessions). */
    private Link current;
    /** How long the device stays off the bus before its next enumeration (an unplug); 0: the usual gap. */
    private long replugDelayMs;
    private String unplugWhy;
    private int sessions;
    private volatile long linkRate;

    /**
     * @param storageDir where flash lives (null: a temporary directory removed on close)
     */
    public BootSide(Profile profile, QmiEngine qmi, FaultPlan faults, DownloadMode mode, Path storageDir,
                    Consumer<String> diagnostics) throws IOException {
        this.profile = profile;
        this.qmi = qmi;
        this.faults = new BootFaults(faults);
        this.mode = mode;
        this.tempStorage = storageDir == null;
        this.storageDir = storageDir == null ? Files.createTempDirectory("modemflash-storage-") : storageDir;
        this.diagnostics = diagnostics;
        Files.createDirectories(this.storageDir);
        this.blocks = mode.kind() == DownloadMode.Kind.EDL ? new BlockStorage(this.storageDir, mode.geometry()) : null;
        this.images = mode.kind() == DownloadMode.Kind.EDL ? null : new ImageStore(this.storageDir);
        qmi.addListener(e -> {
            if (e instanceof ModemEvent.ResetRequested r && r.downloadMode()) {
                start();
            }
        });
    }

    public DownloadMode mode() {
        return mode;
    }

    public Path storageDir() {
        return storageDir;
    }

    /** EDL flash (null for Sierra profiles). */
    public BlockStorage blocks() {
        return blocks;
    }

    /** Sierra received images (null for EDL). */
    public ImageStore images() {
        return images;
    }

    /**
     * How the in-process link behaves: {@link InMemoryLink.Options#USB} (default: one transfer
     * per read, ZLPs) or {@link InMemoryLink.Options#TTY} (a byte stream, as through qcserial).
     * Applies from the next enumeration.
     */
    public void inProcessLink(InMemoryLink.Options options) {
        inProcess.options = options;
    }

    /**
     * How fast the download-mode device takes data, in bytes per second (0, the default: as
     * fast as it comes). A slow link gives tests time to interrupt a download mid-image.
     * Applies from the next enumeration.
     */
    public void linkRate(long bytesPerSecond) {
        this.linkRate = bytesPerSecond;
    }

    /** Replaces the in-process face (the pty face takes over the bus). */
    public void usePort(UsbPort p) {
        this.port = p == null ? inProcess : p;
    }

    public synchronized boolean inDownloadMode() {
        return downloadMode;
    }

    /** Download-mode sessions run so far (one per enumeration in download mode). */
    public synchronized int sessions() {
        return sessions;
    }

    /** Enters download mode without QMI (as a button or a test point would). */
    public void enterDownloadMode() {
        start();
    }

    /** Crashes: the modem re-enumerates as 05c6:900e in Sahara memory debug until the host resets it. */
    public void enterCrashDump() {
        start(DownloadMode.CRASH);
    }

    private void start() {
        start(faults.crashDump() ? DownloadMode.CRASH : mode);
    }

    private synchronized void start(DownloadMode personality) {
        if (downloadMode || replugging || stopping) {
            return;
        }
        downloadMode = true;
        worker = new Thread(() -> serve(personality), "emulator-boot-" + profile.name());
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * In-process face: the host end of the download-mode link, once the download personality
     * has enumerated. A session interrupted by a disconnect re-enumerates with a new link.
     */
    public Link awaitBootLink(Duration timeout) throws InterruptedException {
        return inProcess.await(timeout);
    }

    /** Waits until the modem is back in application mode after a download. */
    public synchronized boolean awaitApplicationMode(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (downloadMode) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return qmi.phase() == QmiEngine.Phase.APPLICATION; // false when the boot side failed
    }

    private void serve(DownloadMode mode) {
        long writtenBefore = written();
        try {
            port.detachApplication();
            emit(new ModemEvent.UsbRemoved(profile.usb().vidPid(), false));
            while (true) {
                sleep(Math.max(REENUMERATION_GAP_MS, takeReplugDelay()));
                if (stopping) {
                    return;
                }
                UsbPort p = port;
                Link device = p.attachDownload(mode);
                synchronized (this) {
                    current = device;
                }
                synchronized (this) {
                    sessions++;
                }
                emit(new ModemEvent.UsbAdded(mode.usbId(), true));
                BootExit exit = session(mode, device, p);
                synchronized (this) {
                    current = null;
                    if (unplugWhy != null) {
                        exit = new BootExit(BootExit.Outcome.DOWNLOAD, unplugWhy); // not the host's doing
                        unplugWhy = null;
                    }
                }
                if (exit.outcome() == BootExit.Outcome.STOPPED && device instanceof Unpluggable u) {
                    u.unplug(); // shutting down: no reset linger
                } else {
                    device.close();
                }
                p.detachDownload();
                emit(new ModemEvent.UsbRemoved(mode.usbId(), true));
                emit(new ModemEvent.DownloadSessionEnded(exit.outcome().name().toLowerCase(java.util.Locale.ROOT), exit.getMessage()));
                if (exit.outcome() == BootExit.Outcome.STOPPED) {
                    return;
                }
                if (exit.outcome() == BootExit.Outcome.APPLICATION) {
                    break;
                }
            }
            sleep(REENUMERATION_GAP_MS);
            // nothing written: the modem boots what it ran before
            boolean updated = mode.kind() != DownloadMode.Kind.CRASH_DUMP && written() != writtenBefore && install();
            qmi.bootToApplication();
            port.attachApplication();
            emit(new ModemEvent.UsbAdded(profile.usb().vidPid(), false));
            emit(new ModemEvent.FirmwareRunning(qmi.revision(), updated));
        } catch (IOException | RuntimeException e) {
            if (!stopping) { // a face closed under a re-enumeration at shutdown is no failure
                diagnostics.accept("emulator boot side failed: " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                downloadMode = false;
                notifyAll();
            }
        }
    }

    private BootExit session(DownloadMode mode, Link device, UsbPort p) {
        DeviceIo io = new DeviceIo(device, faults, () -> stopping, p.keepsTransferBoundaries(), p.deviceSeesPackets(),
                p::unplugging, this::replugAfter, diagnostics, () -> linkRate);
        try {
            switch (mode.kind()) {
                case EDL -> {
                    new SaharaTarget(io, edlSahara()).run();
                    new FirehoseTarget(io, edlFirehose(), blocks, null).run(true);
                }
                case SIERRA_FIREHOSE -> {
                    new SaharaTarget(io, new SaharaTarget.Config(true, 300, 0, 0, new byte[32], 0)).run();
                    new FirehoseTarget(io, sierraFirehose(), null, images).run(false);
                }
                case SIERRA_QDL -> new SierraQdlTarget(io, images).run();
                case CRASH_DUMP -> new SaharaTarget(io, edlSahara()).runMemoryDebug();
            }
            return new BootExit(BootExit.Outcome.DOWNLOAD, "device session ended");
        } catch (BootExit e) {
            return e;
        } catch (IOException | RuntimeException e) {
            diagnostics.accept("emulator download session failed: " + e);
            return new BootExit(BootExit.Outcome.DOWNLOAD, "device failure: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ unplugging

    private synchronized void replugAfter(long ms) {
        replugDelayMs = Math.max(replugDelayMs, ms);
    }

    private synchronized long takeReplugDelay() {
        long ms = replugDelayMs;
        replugDelayMs = 0;
        return ms;
    }

    /**
     * Pulls the modem off the bus and plugs it back after {@code away} (a hand on the cable, or a
     * bench's control). In download mode the session is cut mid-transfer and the device comes
     * back in download mode, as after an injected disconnect; in application mode the modem
     * loses power (its QMI client ids go) and comes back in application mode.
     */
    public void unplug(java.time.Duration away) {
        Link cut;
        synchronized (this) {
            if (stopping || replugging) {
                return;
            }
            if (!downloadMode) {
                replugging = true;
                Thread t = new Thread(() -> powerCycle(away), "emulator-unplug-" + profile.name());
                t.setDaemon(true);
                t.start();
                return;
            }
            replugAfter(away.toMillis());
            unplugWhy = "unplugged for " + away.toSeconds() + " s";
            cut = current;
        }
        port.unplugging();
        if (cut instanceof Unpluggable u) {
            u.unplug();
        } else if (cut != null) {
            try {
                cut.close();
            } catch (IOException e) {
                // gone either way
            }
        }
    }

    /** Application mode: off the bus, power lost, back after {@code away}. */
    private void powerCycle(java.time.Duration away) {
        try {
            port.unplugging();
            port.detachApplication();
            emit(new ModemEvent.UsbRemoved(profile.usb().vidPid(), false));
            Thread.sleep(Math.max(REENUMERATION_GAP_MS, away.toMillis()));
            qmi.bootToApplication();
            if (!stopping) {
                port.attachApplication();
                emit(new ModemEvent.UsbAdded(profile.usb().vidPid(), false));
            }
        } catch (IOException | RuntimeException e) {
            diagnostics.accept("emulator unplug failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                replugging = false;
                notifyAll();
            }
        }
    }

    /** The chip serial: EDL parts show it in hex in their product string; others get one derived from theirs. */
    private long chipSerial() {
        try {
            return Long.parseLong(profile.usb().serial(), 16) & 0xffffffffL;
        } catch (NumberFormatException e) {
            return profile.usb().serial().hashCode() & 0xffffffffL;
        }
    }

    /** The EDL chip's OEM PK hash: SHA-256 of SampleLoaders.EDL_ROOT's certificate. */
    static final String EDL_PK_HASH = "470d9c6d372fa29108dbcf4aa4236d34150260d11154bf4577c54cc98f1a4b06";

    private SaharaTarget.Config edlSahara() {
        long serial = chipSerial();
        // the chip trusts the sample OEM root of test-vectors' SampleLoaders (the SHA-256 of its certificate;
        // FirehoseCommandTest checks the two agree): the loader lookup finds SampleLoaders.FITS for it
        byte[] pk = java.util.HexFormat.of().parseHex(EDL_PK_HASH);
        return new SaharaTarget.Config(false, 0, serial, 0x000C_E0E1_0000_0000L | 0x0001_0000L, pk, 0x0000_0005);
    }

    private FirehoseTarget.Config edlFirehose() {
        return new FirehoseTarget.Config(mode.geometry().memoryName(), 1 << 20, false,
                List.of("Binary build date: Nov 22 2026 @ 05:00:00", "Chip serial num: "
                        + chipSerial() + String.format(" (0x%08x)", chipSerial())),
                List.of("program", "read", "nop", "patch", "configure", "setbootablestoragedrive", "erase", "power",
                        "firmwarewrite", "getstorageinfo", "benchmark", "emmc", "ufs", "fixgpt", "getsha256digest"),
                false, "SDX55");
    }

    private static FirehoseTarget.Config sierraFirehose() {
        return new FirehoseTarget.Config("nand", 8192, true, List.of(),
                List.of("nop", "configure", "getstorageinfo", "program", "erase", "power"), true, "9x50");
    }

    // ------------------------------------------------------------------ after the download

    /** A number that changes whenever the download writes flash. */
    private long written() {
        try {
            return blocks != null ? blocks.writes() : images.images().size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Makes the QMI side report what storage now holds; false when nothing changed. */
    private boolean install() throws IOException {
        if (faults.rebootOld()) {
            return false; // boots the old firmware: reports what it reported before
        }
        if (mode.kind() == DownloadMode.Kind.EDL) {
            String v = findVersionString(blocks);
            if (v == null) {
                return false;
            }
            qmi.installRevision(faults.wrongVersion() ? wrong(v) : v);
            return true;
        }
        Versions got = Versions.NONE;
        for (Path img : images.images()) {
            try (FirmwarePackage pkg = FirmwarePackage.open(img, Limits.defaults(), false)) {
                got = pkg.versions().orElse(got);
            } catch (IOException e) {
                diagnostics.accept("stored image " + img.getFileName() + " is not usable: " + e.getMessage());
            }
        }
        if (got.firmware() == null) {
            return false;
        }
        qmi.installSierraFirmware(faults.wrongVersion() ? wrong(got.firmware()) : got.firmware(), got.config(),
                got.carrier());
        return true;
    }

    /** A version the modem was not given: the last digit changed. */
    static String wrong(String v) {
        for (int i = v.length() - 1; i >= 0; i--) {
            char c = v.charAt(i);
            if (Character.isDigit(c)) {
                return v.substring(0, i) + (char) ('0' + (c - '0' + 1) % 10) + v.substring(i + 1);
            }
        }
        return v + "-1";
    }

    /** The first {@code QC_IMAGE_VERSION_STRING=} value on any LUN (NUL- or non-printable-terminated). */
    static String findVersionString(BlockStorage storage) throws IOException {
        byte[] marker = VERSION_MARKER.getBytes(StandardCharsets.US_ASCII);
        for (int lun = 0; lun < storage.lunCount(); lun++) {
            try (FileChannel ch = FileChannel.open(storage.lunFile(lun))) {
                long size = ch.size();
                byte[] b = new byte[(1 << 20) + 256];
                for (long pos = 0; pos < size; pos += 1 << 20) {
                    ByteBuffer bb = ByteBuffer.wrap(b, 0, (int) Math.min(b.length, size - pos));
                    while (bb.hasRemaining() && ch.read(bb, pos + bb.position()) >= 0) {
                        // fill
                    }
                    int n = bb.position();
                    int limit = Math.min(n - marker.length, 1 << 20);
                    for (int i = 0; i <= limit; i++) {
                        if (b[i] == marker[0] && matches(b, i, marker)) {
                            int s = i + marker.length;
                            int e = s;
                            while (e < n && e - s < 128 && b[e] >= 0x20 && b[e] < 0x7f) {
                                e++;
                            }
                            if (e > s) {
                                return new String(b, s, e - s, StandardCharsets.US_ASCII);
                            }
                        }
                    }
                }
            }
        }
        return null;
    }

    private static boolean matches(byte[] b, int at, byte[] m) {
        for (int k = 0; k < m.length; k++) {
            if (b[at + k] != m[k]) {
                return false;
            }
        }
        return true;
    }

    private void emit(ModemEvent e) {
        qmi.emit(e);
    }

    private static void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }

    @Override
    public void close() throws IOException {
        Thread w;
        synchronized (this) {
            stopping = true;
            w = worker;
        }
        inProcess.shutdown();
        if (w != null) {
            try {
                w.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (blocks != null) {
            blocks.close();
        }
        if (tempStorage) {
            try (Stream<Path> s = Files.walk(storageDir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The in-process face: in-memory links, USB model by default (one transfer per read, 512-byte packets). */
    private static final class InProcessPort implements UsbPort {
        private volatile InMemoryLink.Options options = InMemoryLink.Options.USB;
        private InMemoryLink host;
        private boolean shut;

        @Override
        public void detachApplication() {
        }

        @Override
        public synchronized Link attachDownload(DownloadMode mode) {
            InMemoryLink.Pair pair = InMemoryLink.pair(options);
            host = pair.host();
            notifyAll();
            return pair.device();
        }

        @Override
        public boolean keepsTransferBoundaries() {
            return options.transferBoundaries();
        }

        @Override
        public synchronized void unplugging() {
            host = null; // a host asking for the link from now on waits for the next enumeration
        }

        @Override
        public synchronized void detachDownload() {
            host = null;
        }

        @Override
        public void attachApplication() {
        }

        synchronized Link await(Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (host == null && !shut) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return host;
        }

        synchronized void shutdown() {
            shut = true;
            if (host != null) {
                host.close();
            }
            notifyAll();
        }
    }
}
