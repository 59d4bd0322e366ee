package io.modemflash.updater.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.PtyFace;
import io.modemflash.emulator.boot.DownloadMode;
import io.modemflash.emulator.boot.UsbPort;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.qdl.link.InMemoryLink;
import io.modemflash.qdl.link.Link;
import io.modemflash.updater.api.Output;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.discovery.DeviceScanner;
import io.modemflash.updater.discovery.FakeSysfs;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An emulated modem on a sysfs-shaped bench: QMI through the emulator's pty (DIR/dev/cdc-wdm0
 * links to it), a hand-kept sysfs tree that re-enumerates as the emulator's boot side says
 * (the modem leaves, its download personality comes on the same port with a boot tty, then
 * the modem returns), and the download-mode link handed to the pipeline in-process.
 */
public final class EmulatedBench implements Closeable {
    public static final String PORT = "2-1";

    /** Bus behaviour to break on purpose. */
    public enum Bus { NORMAL, NEVER_REENUMERATES, NEVER_RETURNS }

    public final EmulatedModem modem;
    final PtyFace face;
    final FakeSysfs fs;
    final Path storage;
    private final Profile profile;
    private final String port;
    private final int index;
    private final Bus bus;
    private int devnum = 3;
    private volatile InMemoryLink host;

    public EmulatedBench(Profile profile, FaultPlan faults, Path dir) throws IOException {
        this(profile, faults, dir, new FakeSysfs(dir.resolve("bench")), PORT, 0, Bus.NORMAL);
    }

    public EmulatedBench(Profile profile, FaultPlan faults, Path dir, Bus bus) throws IOException {
        this(profile, faults, dir, new FakeSysfs(dir.resolve("bench")), PORT, 0, bus);
    }

    /**
     * A bench in dir whose flash is kept in storage: a second bench on the storage of a closed
     * one is the same modem after a power cycle (what it was flashed with stays).
     */
    public EmulatedBench(Profile profile, FaultPlan faults, Path dir, Path storage, Bus bus) throws IOException {
        this(profile, faults, storage, new FakeSysfs(dir.resolve("bench")), PORT, 0, bus, dir);
    }

    /** One of several modems on a shared tree: port "2-(index+1)", cdc-wdmINDEX, ttyUSBINDEX. */
    public EmulatedBench(Profile profile, FaultPlan faults, Path dir, FakeSysfs fs, String port, int index, Bus bus)
            throws IOException {
        this(profile, faults, dir.resolve("storage" + index), fs, port, index, bus, dir);
    }

    private EmulatedBench(Profile profile, FaultPlan faults, Path storage, FakeSysfs fs, String port, int index,
                          Bus bus, Path dir) throws IOException {
        this.profile = profile;
        this.port = port;
        this.index = index;
        this.bus = bus;
        this.storage = storage;
        this.modem = EmulatedModem.start(profile, faults, storage);
        this.face = modem.publishPty(dir.resolve("pty" + index));
        this.fs = fs;
        attachApplication();
        modem.boot().usePort(new Port());
    }

    DeviceScanner scanner() {
        return new DeviceScanner(fs.roots());
    }

    Device device() {
        return scanner().find(port).orElseThrow();
    }

    /** Waits until the download personality is on the port (after a disconnect or a forced entry). */
    public Device awaitDownloadDevice() throws InterruptedException {
        return new io.modemflash.updater.discovery.PortWatcher(scanner(), port, null, null, Duration.ofMillis(10))
                .await(io.modemflash.updater.discovery.PortWatcher.downloadMode(), "download-mode device",
                        Duration.ofSeconds(10));
    }

    /** The pipeline's link to the download personality: the in-process host end. */
    UpdatePipeline.LinkOpener links() {
        return d -> {
            Link l = host;
            if (l == null) {
                throw new IOException("no download-mode link on " + d.port());
            }
            return l;
        };
    }

    private void attachApplication() throws IOException {
        synchronized (fs) {
            var usb = profile.usb();
            Path d = fs.device(port, usb.vendorId(), usb.productId(), devnum++, usb.interfaces().size(),
                    usb.product(), usb.serial());
            for (Profile.UsbInterface i : usb.interfaces()) {
                Path ifd = fs.iface(d, i.number(), i.cls(), i.subClass(), i.protocol(), i.driver());
                if (i.function() == Profile.Function.QMI) {
                    fs.cdcWdm(ifd, "cdc-wdm" + index, false);
                    Files.createSymbolicLink(fs.dev.resolve("cdc-wdm" + index), face.ptySlave());
                }
            }
        }
    }

    private final class Port implements UsbPort {
        @Override
        public void detachApplication() throws IOException {
            if (bus != Bus.NEVER_REENUMERATES) {
                fs.unplug(port);
            }
        }

        @Override
        public Link attachDownload(DownloadMode mode) throws IOException {
            InMemoryLink.Pair pair = InMemoryLink.pair(InMemoryLink.Options.USB);
            host = pair.host();
            if (bus != Bus.NEVER_REENUMERATES) {
                synchronized (fs) {
                    Path d = fs.device(port, mode.vendorId(), mode.productId(), devnum++, 1, mode.product(), null);
                    fs.tty(fs.iface(d, 0, 0xff, 0xff, 0xff, "qcserial"), "ttyUSB" + index, true);
                }
            }
            return pair.device();
        }

        @Override
        public void detachDownload() throws IOException {
            host = null;
            if (bus != Bus.NEVER_REENUMERATES) {
                fs.unplug(port);
            }
        }

        @Override
        public void attachApplication() throws IOException {
            if (bus == Bus.NORMAL) {
                EmulatedBench.this.attachApplication();
            }
        }
    }

    /** Fast timings for the emulator (it re-enumerates in ~100 ms and answers QMI at once). */
    static UpdateOptions fastOptions(Path stateDir) {
        return UpdateOptions.defaults()
                .withPolling(Duration.ofMillis(10), Duration.ofMillis(100), 20)
                .withStateDir(stateDir);
    }

    record Run(UpdatePipeline.Result result, List<JsonNode> events, String err) {
        List<String> stageEvents() {
            List<String> out = new ArrayList<>();
            for (JsonNode e : events) {
                String name = e.path("event").asText();
                if (name.equals("stage-start") || name.equals("stage-end")) {
                    out.add(name.substring(6) + " " + e.path("stage").asText()
                            + (e.has("skipped") ? " skipped" : "") + (e.path("ok").asBoolean(true) ? "" : " FAILED"));
                }
            }
            return out;
        }

        JsonNode stageEnd(Stage s) {
            for (JsonNode e : events) {
                if (e.path("event").asText().equals("stage-end") && e.path("stage").asText().equals(s.label())) {
                    return e;
                }
            }
            return null;
        }
    }

    Run update(Path pkgPath, UpdateOptions opt) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        Output out = new Output(true, false, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        UpdatePipeline.Result r;
        try (FirmwarePackage pkg = FirmwarePackage.open(pkgPath, Limits.defaults())) {
            r = new UpdatePipeline(pkg, UpdatePipeline.fingerprint(pkg), opt, scanner(), out, false, links())
                    .run(device());
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : o.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                events.add(Output.mapper().readTree(line));
            }
        }
        return new Run(r, events, e.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        modem.close();
    }
}
