package io.modemflash.qdl.download;

import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.ImageReader;
import io.modemflash.images.ImageType;
import io.modemflash.images.PackageImage;
import io.modemflash.images.Protocol;
import io.modemflash.images.flat.FlatBuild;
import io.modemflash.images.flat.FlatOp;
import io.modemflash.qdl.ProtocolException;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.firehose.FirehoseNakException;
import io.modemflash.qdl.firehose.FirehoseSession;
import io.modemflash.qdl.firehose.FlatOpRunner;
import io.modemflash.qdl.firehose.StorageInfo;
import io.modemflash.qdl.firehose.WriteVerifier;
import io.modemflash.qdl.hdlc.QdlImage;
import io.modemflash.qdl.hdlc.QdlMessage;
import io.modemflash.qdl.hdlc.SierraQdlSession;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.link.LinkTimeoutException;
import io.modemflash.images.elf.LoaderIdentity;
import io.modemflash.qdl.sahara.LoaderIndex;
import io.modemflash.qdl.sahara.SaharaImage;
import io.modemflash.qdl.sahara.SaharaPacket;
import io.modemflash.qdl.sahara.SaharaSession;
import io.modemflash.qdl.sahara.SaharaSession.Detection;
import io.modemflash.qdl.sahara.SaharaStatusException;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Flashes an opened {@link FirmwarePackage} into a device already in download mode, over a
 * {@link Link}: looks at what the device is doing (Sahara HELLO, a Firehose programmer that
 * already runs, or a QDL target waiting for the host), runs the flow the package's protocol
 * needs and asks the device to reset. Reports stages, per-image progress and completed
 * images to a {@link DownloadListener}.
 *
 * <p>Flows (PROTOCOLS.md sections 3-5):
 * <ul>
 * <li>sierra-qdl: SDP, hello 6/5/4, each CWE file as one open/write/close, reset.</li>
 * <li>sierra-firehose: wait for HELLO without writing, EXECUTE 0xFF00, then Firehose NAND:
 *     {@code <NOP value="ping"/>}, configure (NAK -> 8192), getstorageinfo, each CWE file
 *     whole, power reset.</li>
 * <li>qualcomm-edl: Sahara programmer upload, Firehose banner, configure, the flat build's
 *     operations (NAND order on NAND), setbootablestoragedrive, power reset.</li>
 * <li>gobi-qdl: hello 5/4, amss/apps/uqcn, reset.</li>
 * </ul>
 * A failure is thrown as {@link DownloadException} naming the stage and image, with the
 * session's exception as cause. One download per instance at a time. {@link DownloadSteps}
 * describes these flows without a device (keep the two in step).
 */
public final class Downloader {
    private final DownloadOptions options;
    private final DownloadListener listener;

    public Downloader(DownloadOptions options, DownloadListener listener) {
        this.options = options;
        this.listener = listener;
    }

    public Downloader() {
        this(DownloadOptions.DEFAULTS, DownloadListener.NONE);
    }

    public DownloadResult download(FirmwarePackage pkg, Link link) throws IOException {
        return new Run(pkg, link).go();
    }

    /**
     * The exception that explains why a detected state cannot go on with {@code protocol}
     * (error state, HDLC, silence, unknown bytes). Shared with the technician commands.
     */
    public static IOException notUsable(Detection d, Link link, Protocol protocol, long helloTimeoutMs) {
        return switch (d.state()) {
            case SAHARA_ERROR -> new SaharaStatusException("device is in a Sahara error state ("
                    + io.modemflash.qdl.sahara.SaharaStatus.describe(d.error().status())
                    + "): power-cycle it into download mode and retry", d.error().status());
            case HDLC -> new WrongDeviceException(link.describe() + " speaks HDLC (Sierra QDL), but this "
                    + protocol.label + " package needs Sahara");
            case SILENT -> new LinkTimeoutException("no Sahara HELLO from " + link.describe() + " within "
                    + helloTimeoutMs / 1000.0 + " s (another program may have eaten it: replug or power-cycle; a silent "
                    + "device may also be a Sierra QDL boot-and-hold, which needs a sierra-qdl package)");
            case UNKNOWN -> new ProtocolException("unrecognised first bytes from " + link.describe() + ": "
                    + hex(d.firstBytes(), 16));
            case SAHARA_HELLO, FIREHOSE, SAHARA_READ -> new ProtocolException("device state " + d.state()
                    + " not expected at this point on " + link.describe());
        };
    }

    /** MemoryNames to configure, in order: the chosen one, else guessed from the sector size. */
    static List<String> memoryNames(DownloadOptions options, FlatBuild fb) {
        if (options.memoryName() != null) {
            return List.of(options.memoryName());
        }
        int sector = fb.operations().isEmpty() ? 4096 : fb.operations().get(0).sectorSize();
        return sector == 512 ? List.of("emmc", "ufs", "nand") : List.of("ufs", "nand", "emmc");
    }

    /**
     * How a flat build's program is named in {@link DownloadOptions#skipImages()} and in the
     * resume journal: one file may be written to several places ("modem.img -> persist").
     */
    public static String flatImageKey(String filename, String target) {
        return target == null ? filename : filename + " -> " + target;
    }

    private static String hex(byte[] b, int max) {
        return java.util.HexFormat.ofDelimiter(" ").withUpperCase().formatHex(b, 0, Math.min(b.length, max));
    }

    /** The state of one download. */
    private final class Run {
        private final FirmwarePackage pkg;
        private final Link link;
        private final List<DownloadResult.ImageResult> images = new ArrayList<>();
        private final List<String> completed = new ArrayList<>();
        private final List<WriteVerifier.Check> digests = new ArrayList<>();
        private final long started = System.nanoTime();
        private DeviceState state;
        private String stage = "detect";
        private String image;
        private long bytes;
        private boolean reset;
        /** The device answered the probe's NOP as a programmer: the session is in step. */
        private boolean answeredNop;

        Run(FirmwarePackage pkg, Link link) {
            this.pkg = pkg;
            this.link = link;
        }

        DownloadResult go() throws IOException {
            Protocol protocol = pkg.protocol();
            if (protocol == null) {
                throw new WrongDeviceException(pkg.source() + ": the package names no download protocol");
            }
            try {
                switch (protocol) {
                    case SIERRA_QDL -> sierraQdl();
                    case SIERRA_FIREHOSE -> sierraFirehose();
                    case QUALCOMM_EDL -> edl();
                    case GOBI_QDL -> gobi();
                }
            } catch (DownloadException e) {
                throw e;
            } catch (IOException e) {
                throw new DownloadException(stage, image, completed, e);
            }
            return new DownloadResult(protocol, state, images, bytes, Duration.ofNanos(System.nanoTime() - started),
                    reset, digests);
        }

        // ------------------------------------------------------------------ flows

        private void sierraQdl() throws IOException {
            stage("detect", "Sierra QDL on " + link.describe());
            refuseSpeakingDevice();
            state = DeviceState.QDL;
            SierraQdlSession q = new SierraQdlSession(link, options.qdl());
            stage("qdl", "hello");
            q.begin();
            if (q.resynced()) {
                warn("the device did not answer at once: an earlier run was cut off mid-transfer; resynchronised it "
                        + "(HDLC flags, a new hello) and starting the images again");
            }
            listener.on(new DownloadEvent.Log("QDL hello v" + q.version() + " accepted"));
            for (PackageImage img : pkg.images()) {
                if (skipped(img.name())) {
                    continue;
                }
                QdlImage qi = QdlImage.cwe(img);
                write(img.name(), null, qi.payloadLength(), p -> q.writeImage(qi, p));
            }
            if (options.reset()) {
                stage("reset", null);
                q.reset();
                reset = true;
            }
        }

        private void gobi() throws IOException {
            stage("detect", "Gobi QDL on " + link.describe());
            refuseSpeakingDevice();
            state = DeviceState.QDL;
            SierraQdlSession.Options o = options.qdl();
            // gobi_loader offers v5 (Gobi 2000) or v4 (Gobi 1000) and no SDP
            SierraQdlSession q = new SierraQdlSession(link, new SierraQdlSession.Options(o.responseTimeoutMs(),
                    o.lastChunkAckTimeoutMs(), o.helloTimeoutMs(), o.chunkSize(), new int[] {5, 4}));
            stage("qdl", "hello");
            q.hello();
            listener.on(new DownloadEvent.Log("QDL hello v" + q.version() + " accepted"));
            for (PackageImage img : pkg.images()) {
                QdlImage qi;
                if (img.type() == ImageType.GOBI_AMSS) {
                    qi = QdlImage.mbn(img, QdlMessage.IMAGE_AMSS, 8); // its last 8 bytes are never sent
                } else if (img.type() == ImageType.GOBI_APPS) {
                    qi = QdlImage.mbn(img, QdlMessage.IMAGE_APPS, 0);
                } else if (img.type() == ImageType.GOBI_UQCN) {
                    qi = QdlImage.mbn(img, QdlMessage.IMAGE_UQCN, 0);
                } else {
                    continue;
                }
                write(img.name(), null, qi.payloadLength(), p -> q.writeImage(qi, p));
            }
            if (options.reset()) {
                stage("reset", null);
                q.reset();
                reset = true;
            }
        }

        private void sierraFirehose() throws IOException {
            stage("detect", "waiting for the Sahara HELLO on " + link.describe());
            SaharaSession s = new SaharaSession(link, options.sierraSahara());
            Detection d = settle(s, s.detect(), true);
            FirehoseSession fh;
            boolean pinged = false;
            switch (d.state()) {
                case SAHARA_HELLO -> {
                    state = DeviceState.SAHARA;
                    stage("sahara", "switch to Firehose (EXECUTE 0xFF00)");
                    try {
                        s.sierraSwitchToFirehose();
                    } catch (SaharaStatusException e) {
                        if (e.status() != io.modemflash.qdl.sahara.SaharaStatus.EXEC_CMD_UNSUPPORTED.code) {
                            throw e;
                        }
                        throw new WrongDeviceException(link.describe() + " refuses Sierra's switch to Firehose "
                                + "(EXECUTE 0xFF00): not a Sierra 9x50/SDX boot-and-hold, which this "
                                + pkg.protocol().label + " package needs (or something wrote to it before its HELLO:"
                                + " power-cycle it)");
                    }
                    fh = new FirehoseSession(link, options.firehose(), s.takeBuffered());
                }
                case FIREHOSE -> {
                    state = DeviceState.FIREHOSE;
                    listener.on(new DownloadEvent.Log("Firehose already runs: Sahara skipped"));
                    fh = resumedFirehose(d);
                    pinged = true;
                }
                default -> throw notUsable(d, link, pkg.protocol(), options.sierraSahara().helloTimeoutMs());
            }
            fh.onLog(this::log);
            stage("firehose", "configure NAND");
            if (!pinged) {
                fh.nop("ping");
            }
            FirehoseSession.Configuration c = fh.configure("nand", false);
            listener.on(new DownloadEvent.Log("Firehose payload " + c.maxPayloadToTarget() + " bytes"));
            StorageInfo storage = null;
            try {
                storage = fh.getStorageInfo(0);
            } catch (FirehoseNakException e) {
                warn("getstorageinfo refused (" + e.getMessage() + "): assuming 4096-byte sectors, 64 pages per block");
            }
            StorageInfo geometry = storage;
            stage("program", null);
            for (PackageImage img : pkg.images()) {
                if (skipped(img.name())) {
                    continue;
                }
                long size = img.size();
                int sector = geometry == null ? StorageInfo.DEFAULT_SECTOR_SIZE : geometry.sectorSize();
                long onLink = (size + sector - 1) / sector * sector;
                write(img.name(), null, onLink, p -> {
                    try (ImageReader reader = ImageReader.open(img, size); InputStream in = reader.stream(0, size)) {
                        // Sierra's programmer routes the file by its CWE header; the name is fixed
                        fh.programCwe(in, size, "spkg.cwe", geometry, p);
                    }
                });
            }
            if (options.reset()) {
                stage("reset", null);
                fh.power("reset", 0);
                reset = true;
            }
        }

        private void edl() throws IOException {
            FlatBuild fb = pkg.flatBuild().orElseThrow(() -> new WrongDeviceException(pkg.source()
                    + ": a qualcomm-edl package without a flat build"));
            stage("detect", "waiting for the Sahara HELLO on " + link.describe());
            SaharaSession s = new SaharaSession(link, options.sahara());
            Detection d = settle(s, s.detect(), false);
            PackageImage prog = fb.programmer();
            if (d.state() == SaharaSession.State.SAHARA_READ) {
                // the PBL still waits for the programmer an earlier run was uploading: go on serving it
                state = DeviceState.SAHARA;
                warn("the device is inside a programmer upload an earlier run left: continuing it");
                stage("sahara", "continuing the upload of " + prog.name());
                try (SaharaImage si = SaharaImage.open(prog.path())) {
                    Detection pending = d;
                    write(prog.name(), "programmer", prog.size(), p -> s.resumeUpload(si, p, pending.request()));
                    d = null;
                } catch (SaharaStatusException e) {
                    // it noticed a lost piece: back to HELLO and a whole upload
                    warn("the device refused the continued upload (" + e.getMessage() + "): uploading it again");
                    s.resetStateMachine();
                    d = s.detect();
                }
            }
            FirehoseSession fh;
            boolean synced = false;
            if (d == null) {
                fh = new FirehoseSession(link, options.firehose(), s.takeBuffered());
            } else if (d.state() == SaharaSession.State.SAHARA_HELLO) {
                state = DeviceState.SAHARA;
                if (d.hello().mode() == SaharaPacket.MODE_MEMORY_DEBUG) {
                    throw new WrongDeviceException(link.describe() + " is in crash-dump (memory debug) mode: "
                            + "use 'sahara dump', or power-cycle it into EDL");
                }
                refuseProgrammerForAnotherChip(s, prog);
                stage("sahara", "uploading " + prog.name());
                try (SaharaImage si = SaharaImage.open(prog)) {
                    write(prog.name(), "programmer", prog.size(), p -> s.uploadProgrammer(si, p));
                }
                fh = new FirehoseSession(link, options.firehose(), s.takeBuffered());
            } else if (d.state() == SaharaSession.State.FIREHOSE) {
                state = DeviceState.FIREHOSE;
                listener.on(new DownloadEvent.Log("a Firehose programmer already runs: upload skipped"));
                fh = resumedFirehose(d);
                synced = true;
            } else {
                throw notUsable(d, link, pkg.protocol(), options.sahara().helloTimeoutMs());
            }
            fh.onLog(this::log);
            if (!synced) {
                stage("firehose", "banner");
                fh.readBanner();
            }
            boolean nand = configure(fh, fb);
            List<FlatOp> ops = nand ? fb.operationsForNand() : fb.operations();
            FlatOpRunner runner = new FlatOpRunner(fh);
            WriteVerifier verifier = options.verifyDigests() ? new WriteVerifier(fh) : null;
            if (verifier != null && verifier.method().equals("read")) {
                warn("the programmer does not support getsha256digest: written sectors are read back to check them");
            }
            stage("program", nand ? "NAND order" : null);
            boolean patching = false;
            int resumeAt = resumeAt(ops);
            for (int i = 0; i < ops.size(); i++) {
                FlatOp op = ops.get(i);
                if (op instanceof FlatOp.Program p) {
                    String target = programTarget(p);
                    if (options.skipImages().contains(flatImageKey(p.filename(), target))) {
                        skippedAs(flatImageKey(p.filename(), target), p.filename());
                        continue;
                    }
                    // checked before the image counts as done: a resumed run rewrites what did not match
                    write(p.filename(), target, programBytes(p), pr -> {
                        runner.run(p, pr);
                        if (verifier != null) {
                            verify(verifier, p, target);
                        }
                    });
                } else if (op instanceof FlatOp.Erase e && i < resumeAt) {
                    image = null; // an earlier run erased it before the programs that followed it
                } else if (op instanceof FlatOp.Erase e) {
                    image = null;
                    listener.on(new DownloadEvent.Log("erase " + (e.label() == null ? "" : e.label() + " ")
                            + "(LUN " + e.lun() + (e.numSectors() < 0 ? ", whole LUN)" : ", " + e.numSectors()
                            + " sectors at " + e.startSector().text() + ")")));
                    runner.run(op, Progress.NONE);
                } else if (op instanceof FlatOp.Patch p && p.toDevice()) {
                    if (!patching) {
                        stage("patch", null);
                        patching = true;
                    }
                    runner.run(op, Progress.NONE);
                }
            }
            int lun = fb.bootableLun();
            if (lun >= 0) {
                if (fh.supportedFunctions().isEmpty() || fh.supportedFunctions().contains("setbootablestoragedrive")) {
                    stage("bootable", "LUN " + lun);
                    fh.setBootableStorageDrive(lun);
                } else {
                    warn("the programmer does not support setbootablestoragedrive: boot LUN left as it is");
                }
            }
            if (options.reset()) {
                stage("reset", null);
                fh.power("reset", 0);
                reset = true;
            }
        }

        /** The device's SHA-256 of what {@code p} wrote against the package's bytes; a mismatch stops here. */
        private void verify(WriteVerifier verifier, FlatOp.Program p, String target) throws IOException {
            String was = stage;
            stage = "verify"; // a failure names the check, not the program the device acknowledged
            for (WriteVerifier.Check c : verifier.verify(p, flatImageKey(p.filename(), target))) {
                digests.add(c);
                listener.on(new DownloadEvent.Log("sha256 " + c.device() + " matches " + c.what() + " (LUN " + c.lun()
                        + ", " + c.sectors() + " sectors at " + c.startSector() + ")"));
            }
            stage = was;
        }

        /**
         * A programmer whose certificate chain names its chip (MSM id, root key hash) is held
         * against the chip's own identity, read in Sahara command mode, before it is sent: the
         * PBL would only refuse it after the whole upload, with a bare status. One that names
         * nothing is uploaded unchecked, as before.
         */
        private void refuseProgrammerForAnotherChip(SaharaSession s, PackageImage prog) throws IOException {
            var id = LoaderIdentity.read(prog.path());
            if (id.isEmpty()) {
                return;
            }
            stage("sahara", "chip identity");
            SaharaSession.ChipInfo chip = s.identify();
            String why = LoaderIndex.mismatch(id.get(), chip);
            if (why != null) {
                throw new WrongDeviceException(prog.name() + " does not fit " + link.describe() + ": " + why
                        + "; nothing uploaded");
            }
        }

        /**
         * Resuming a flat build: the index of the first program an earlier run did not finish
         * (the device acknowledged every one before it, the journal says which). Erases before
         * it are not repeated: they would wipe what was written after them.
         */
        private int resumeAt(List<FlatOp> ops) {
            if (options.skipImages().isEmpty()) {
                return 0;
            }
            for (int i = 0; i < ops.size(); i++) {
                if (ops.get(i) instanceof FlatOp.Program p
                        && !options.skipImages().contains(flatImageKey(p.filename(), programTarget(p)))) {
                    return i;
                }
            }
            return ops.size();
        }

        private static String programTarget(FlatOp.Program p) {
            return p.label() == null || p.label().isEmpty() ? "LUN " + p.lun() + " sector " + p.startSector().text()
                    : p.label();
        }

        private void skippedAs(String key, String name) {
            images.add(new DownloadResult.ImageResult(name, null, 0, Duration.ZERO, true));
            listener.on(new DownloadEvent.ImageSkipped(key, "written and acknowledged by an earlier run"));
        }

        /** configure with the chosen or guessed MemoryName; returns whether the storage is NAND. */
        private boolean configure(FirehoseSession fh, FlatBuild fb) throws IOException {
            List<String> names = memoryNames(options, fb);
            FirehoseNakException last = null;
            for (String name : names) {
                stage("firehose", "configure " + name);
                try {
                    FirehoseSession.Configuration c = fh.configure(name, false);
                    listener.on(new DownloadEvent.Log("Firehose " + c.memoryName() + ", payload "
                            + c.maxPayloadToTarget() + " bytes"));
                    return c.memoryName().toLowerCase(Locale.ROOT).equals("nand");
                } catch (FirehoseNakException e) {
                    last = e;
                    if (names.size() > 1) {
                        warn("configure " + name + " refused: " + e.reason());
                    }
                }
            }
            throw last;
        }

        private long programBytes(FlatOp.Program p) throws IOException {
            if (!p.sparse()) {
                return p.sectorsToWrite() * p.sectorSize();
            }
            long[] sum = {0};
            p.forEachSparseRun(r -> sum[0] += r.sectors() * p.sectorSize());
            return sum[0];
        }

        // ------------------------------------------------------------------ recovery

        /**
         * Brings a device an earlier host left somewhere mid-way to a state a download can
         * start from, without a power cycle (PROTOCOLS.md 4-5): a Sahara error goes back to
         * HELLO; a silent device is probed with a Firehose NOP (a programmer that already runs
         * answers it); a device that answers nothing is inside a raw transfer (Sahara image
         * data or Firehose program data) and gets zeros until it has the count it waits for
         * (at most the package's largest image) and speaks again; Sahara answering the NOP
         * means a HELLO was eaten or command mode was left open: SWITCH_MODE and
         * RESET_STATE_MACHINE bring a fresh HELLO. Bytes that are none of these (an answer the
         * earlier host did not read) are discarded and the device probed the same way.
         */
        private Detection settle(SaharaSession s, Detection d, boolean sierra) throws IOException {
            for (int round = 0; round < 4; round++) {
                switch (d.state()) {
                    case SAHARA_ERROR -> {
                        warn("device in a Sahara error state: resetting the Sahara state machine");
                        d = sierra ? s.resyncToHello() : resetToHello(s);
                    }
                    case SILENT -> {
                        warn("no Sahara HELLO: probing for a programmer that already runs, or a transfer an earlier"
                                + " run left");
                        d = probe(s, sierra);
                        if (d.state() == SaharaSession.State.SAHARA_HELLO && sierra) {
                            d = s.resyncToHello(); // a HELLO after our probe bytes: start clean from a fresh one
                        } else if (d.state() == SaharaSession.State.UNKNOWN || d.state() == SaharaSession.State.SAHARA_READ
                                && sierra) {
                            d = s.resyncToHello();
                        }
                    }
                    case UNKNOWN -> {
                        // e.g. the "confirmed" of a 0xFF00 switch or a DONE_RESP a killed host never read
                        warn("unexpected bytes from the device (" + hex(d.firstBytes(), 16) + "): left by an earlier "
                                + "run; discarding them and probing");
                        s.drain(300);
                        d = probe(s, sierra);
                        if (sierra && d.state() != SaharaSession.State.FIREHOSE
                                && d.state() != SaharaSession.State.SILENT) {
                            d = s.resyncToHello();
                        }
                    }
                    default -> {
                        return d;
                    }
                }
            }
            return d;
        }

        private Detection resetToHello(SaharaSession s) throws IOException {
            s.drain(300);
            s.resetStateMachine();
            return s.detect();
        }

        /**
         * A Firehose NOP (Sierra's {@code value="ping"}), then zeros while nothing answers; what
         * answers says the state. A programmer's answer to the NOP leaves the session in step.
         */
        private Detection probe(SaharaSession s, boolean sierra) throws IOException {
            link.write(io.modemflash.qdl.firehose.FirehoseXml.command("nop", sierra
                    ? io.modemflash.qdl.firehose.FirehoseXml.attrs("value", "ping")
                    : io.modemflash.qdl.firehose.FirehoseXml.attrs()));
            Detection d = s.detect(2_000, false);
            if (d.state() != SaharaSession.State.SILENT) {
                answeredNop = d.state() == SaharaSession.State.FIREHOSE;
                return d;
            }
            byte[] zeros = new byte[64 * 1024];
            long limit = largestImage() + (1 << 20);
            for (long sent = 0; sent < limit; sent += zeros.length) {
                link.write(zeros, 0, zeros.length);
                d = s.detect(5, false);
                if (d.state() != SaharaSession.State.SILENT) {
                    warn("the device was inside a raw transfer an earlier run left: completed it with "
                            + (sent + zeros.length) + " bytes of zeros (rewritten below)");
                    return d;
                }
            }
            return s.detect(2_000, false);
        }

        /**
         * A programmer found running: its stale answers drained, then a NOP proves it listens.
         * One that stays silent is in raw mode (a program an earlier run left): zeros complete
         * the count it waits for, then it answers again.
         */
        private FirehoseSession resumedFirehose(Detection d) throws IOException {
            FirehoseSession fh = new FirehoseSession(link, options.firehose(), d.firstBytes());
            fh.onLog(this::log);
            fh.drainLogs();
            if (answeredNop) {
                return fh; // it answered our NOP: nothing stale is left between us
            }
            try {
                fh.exchange("nop", io.modemflash.qdl.firehose.FirehoseXml.attrs(), 2_000); // ACK or NAK: it listens
                return fh;
            } catch (LinkTimeoutException e) {
                warn("the programmer does not answer: it is inside a program an earlier run left; completing it");
            }
            byte[] zeros = new byte[64 * 1024];
            byte[] answer = new byte[4096];
            long limit = largestImage() + (1 << 20);
            for (long sent = 0; sent < limit; sent += zeros.length) {
                link.write(zeros, 0, zeros.length);
                int n = link.read(answer, 0, answer.length, 5);
                if (n > 0) {
                    fh = new FirehoseSession(link, options.firehose(), java.util.Arrays.copyOf(answer, n));
                    fh.onLog(this::log);
                    fh.drainLogs();
                    fh.nop();
                    return fh;
                }
            }
            throw new LinkTimeoutException("the Firehose programmer on " + link.describe() + " stopped answering, "
                    + "even after " + limit + " bytes: power-cycle it into download mode");
        }

        private long largestImage() {
            return pkg.images().stream().mapToLong(PackageImage::size).max().orElse(0);
        }

        // ------------------------------------------------------------------ helpers

        /** Fails fast when a device that should wait for the host already talks (Sahara HELLO). */
        private void refuseSpeakingDevice() throws IOException {
            byte[] b = new byte[64];
            // a PBL says HELLO within a few hundred ms of enumeration (EM7565: ~300 ms)
            int n = link.read(b, 0, b.length, 600);
            if (n >= 8 && (b[0] & 0xff) == SaharaPacket.HELLO && (b[4] & 0xff) == 0x30) {
                throw new WrongDeviceException(link.describe() + " says Sahara HELLO, but this " + pkg.protocol().label
                        + " package needs a QDL (HDLC) boot-and-hold device");
            }
            if (n > 0) {
                warn("ignored " + n + " unexpected bytes from the device: " + hex(b, Math.min(n, 16)));
            }
        }

        private boolean skipped(String name) {
            if (!options.skipImages().contains(name)) {
                return false;
            }
            images.add(new DownloadResult.ImageResult(name, null, 0, Duration.ZERO, true));
            listener.on(new DownloadEvent.ImageSkipped(name, "already on the device"));
            return true;
        }

        private interface Body {
            void run(Progress progress) throws IOException;
        }

        /** Runs one image's transfer with progress events and records it once the device took it all. */
        private void write(String name, String target, long expected, Body body) throws IOException {
            image = name;
            listener.on(new DownloadEvent.ImageStarted(name, target, expected));
            long t0 = System.nanoTime();
            long[] last = {0};
            body.run((n, done, total) -> {
                last[0] = done;
                listener.on(new DownloadEvent.ImageProgress(name, done, total));
            });
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            bytes += last[0];
            images.add(new DownloadResult.ImageResult(name, target, last[0], took, false));
            completed.add(name);
            listener.on(new DownloadEvent.ImageDone(name, target, last[0], took));
            image = null;
        }

        private void stage(String name, String detail) {
            stage = name;
            listener.on(new DownloadEvent.Stage(name, detail));
        }

        private void log(String line) {
            listener.on(new DownloadEvent.Log(line));
        }

        private void warn(String text) {
            listener.on(new DownloadEvent.Warning(text));
        }
    }
}
