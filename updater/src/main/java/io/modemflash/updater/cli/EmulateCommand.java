package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Output;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.ModemEvent;
import io.modemflash.emulator.boot.DownloadMode;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.emulator.pty.SharedTree;
import io.modemflash.emulator.gobinet.GobiNetBridge;
import io.modemflash.emulator.gobinet.GobiNetDriver;
import io.modemflash.emulator.usbredir.UsbRedirAddress;
import io.modemflash.emulator.usbredir.UsbRedirFace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * `modemflash emulate --profile P [--pty DIR] [--port N] [--fault SPEC]`: serves an emulated
 * modem on a pty with a sysfs-shaped tree until SIGINT/SIGTERM, then removes what it created.
 * Several emulators may publish on one DIR, each at its own USB port. With
 * `--usbredir SOCK|listen:SOCK` it is a USB device behind a usbredir connection instead (a
 * QEMU guest's usb-redir device). Prints one JSON line {"event":"ready",...} on stdout once
 * clients can connect, naming its face and nodes or socket.
 */
@Command(name = "emulate",
        mixinStandardHelpOptions = true,
        description = {"Run an emulated modem: on a pseudo-terminal with a sysfs-shaped tree describing its USB device"
                + " (default), or as a USB device behind a usbredir socket (--usbredir, e.g. for a QEMU guest).",
                "Prints one JSON line {\"event\":\"ready\",...} on stdout when ready; serves until SIGINT/SIGTERM."},
        footer = {"", "usbredir: QEMU attaches the modem with",
                "  -device qemu-xhci -device usb-redir,chardev=ur",
                "  -chardev socket,id=ur,path=SOCK,server=on,wait=off",
                "and `emulate --usbredir SOCK` connects to it (or --usbredir listen:SOCK with",
                "server=off). The guest kernel enumerates it at high speed: qcserial ttys (DM,",
                "NMEA, AT) and qmi_wwan's cdc-wdm; for download mode it re-enumerates on the",
                "same connection with the download identity."})
public final class EmulateCommand implements Callable<Integer> {

    @Option(names = "--profile", required = true, paramLabel = "P",
            description = "Modem to emulate: ${COMPLETION-CANDIDATES}.", completionCandidates = ProfileNames.class)
    String profile;

    @Option(names = "--pty", paramLabel = "DIR",
            description = {"Publish DIR/dev/cdc-wdmN and the USB device in DIR/sys (default: a new temporary directory,"
                    + " removed on exit).", "Several emulators may share DIR: each takes its own USB port and the lowest"
                    + " free cdc-wdm/ttyUSB numbers."})
    Path dir;

    @Option(names = "--usbredir", paramLabel = "SOCK",
            description = {"Serve the modem as a USB device over usbredir instead of a pty: connect to the unix socket",
                    "SOCK (QEMU's -chardev socket,server=on; retried until it exists, see --usbredir-wait), or with",
                    "listen:SOCK listen on it and serve whoever connects."})
    String usbredir;

    @Option(names = "--gobinet", paramLabel = "SOCK",
            description = {"Also serve the modem as the vendor GobiNet driver would (/dev/qcqmiN semantics), connecting to "
                    + "the unix socket SOCK (QEMU's chardev of a virtio-serial port; retried like --usbredir SOCK):",
                    "the bench's CUSE program (bench/vbench/qcqmi-cuse.c) makes /dev/qcqmi0 of it in the guest."})
    Path gobinet;

    @Option(names = "--usbredir-wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long --usbredir SOCK retries while the socket does not exist (default: ${DEFAULT-VALUE}).")
    long usbredirWaitSeconds;

    @Option(names = "--port", paramLabel = "N",
            description = "USB port 2-N to take (1-" + SharedTree.PORTS + "; default: the first free one).")
    int port = PtyFace.ANY_PORT;

    @Option(names = "--fault", paramLabel = "SPEC",
            description = {"Inject a fault (repeatable): qmi-error:<message>:<ErrorName>, qmi-drop:<message>[:<times>], qmi-garbage,",
                    "qmi-wrong-service:<message> (response on another service), qmi-overflow:<message> (a TLV claims",
                    "more bytes than the message holds), qmi-truncate:<message> (response frame cut in half),",
                    "disconnect:<stage>, disconnect:download:<bytes>, unplug:download:<bytes>[:<seconds>] (off the bus,",
                    "back in download mode after the seconds, default 2), nak:<firehose command>, stall:<stage>, corrupt-crc,",
                    "eat-hello, reject-programmer, reboot-old, wrong-version, crash-dump, strict-echo (bytes a tty",
                    "echoed back before the handshake get an error, as from a strict boot ROM; else logged and ignored).",
                    "e.g. qmi-error:dms-get-revision:Internal, disconnect:download:100000, nak:program"})
    List<String> faults = new ArrayList<>();

    @Option(names = "--storage", paramLabel = "DIR",
            description = {"Keep the modem's flash in DIR (default: a temporary directory removed on exit):",
                    "EDL DIR/lunN.img (one sparse file per LUN), Sierra DIR/cwe/NNN-TYPE.cwe (each image as received)."})
    Path storage;

    @Option(names = "--mbim", description = {"The modem's MBIM USB composition: the control port is bound to cdc_mbim "
            + "in the sysfs tree and speaks MBIM (QMI inside its QMI service), as mbimcli and "
            + "qmicli --device-open-mbim expect."})
    boolean mbim;

    @Option(names = "--edl-storage", paramLabel = "TYPE", defaultValue = "ufs",
            description = "Storage of the edl profile: ufs (3 LUNs of 2048 x 4096-byte sectors, default) or emmc"
                    + " (one LUN of 32768 x 512-byte sectors); TYPE:SECTORS sizes LUN 0 (ufs:16384 = 64 MiB).")
    String edlStorage;

    @Option(names = "--boot-id", paramLabel = "ID", defaultValue = "download",
            description = {"USB id in download mode: download (the personality's own, e.g. 1199:9070; default) or app",
                    "(Sierra boot-and-hold keeping the application id, e.g. 1199:9071 with one ff/ff/ff interface)."})
    String bootId;

    @Option(names = "--unplug-seconds", paramLabel = "SECONDS", defaultValue = "2",
            description = {"SIGUSR1 unplugs the modem and plugs it back after SECONDS (default: ${DEFAULT-VALUE}): mid-download",
                    "it comes back in download mode, in application mode it loses power (QMI client ids go)."})
    long unplugSeconds;

    @Option(names = "--link-rate", paramLabel = "BYTES_PER_SECOND", hidden = true,
            description = "In download mode, take data no faster than this (a slow link; tests interrupt downloads "
                    + "mid-image with it). Default: as fast as it comes.")
    long linkRate;

    @Mixin
    OutputOptions outputOptions;

    static final class ProfileNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Profiles.names().iterator();
        }
    }

    /**
     * Re-enumeration and download events as their own JSON events (null for other events):
     * usb_removed / usb_added {usb_id, mode, usb_port, usb_device, tty|qmi},
     * download_ended {outcome, why}, firmware_running {revision, updated}.
     */
    static Map<String, Object> usbEvent(ModemEvent e, PtyFace face) {
        Map<String, Object> m = usbEvent(e);
        if (m != null && (e instanceof ModemEvent.UsbRemoved || e instanceof ModemEvent.UsbAdded)) {
            m.put("usb_port", face.usbPort());
        }
        if (m != null && e instanceof ModemEvent.UsbAdded a) {
            m.put("usb_device", face.currentDeviceDir().toString());
            if (a.downloadMode()) {
                m.put("tty", face.downloadTty().toString());
            } else {
                m.put("qmi", face.qmiDevice().toString());
            }
        }
        return m;
    }

    /** The same for the usbredir face: usb_removed / usb_added name the socket instead of nodes. */
    static Map<String, Object> usbEvent(ModemEvent e, UsbRedirFace face) {
        Map<String, Object> m = usbEvent(e);
        if (m != null && (e instanceof ModemEvent.UsbRemoved || e instanceof ModemEvent.UsbAdded)) {
            m.put("usbredir", face.address().toString());
        }
        return m;
    }

    private static Map<String, Object> usbEvent(ModemEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (e instanceof ModemEvent.UsbRemoved r) {
            m.put("event", "usb_removed");
            m.put("usb_id", r.usbId());
            m.put("mode", r.downloadMode() ? "download" : "application");
        } else if (e instanceof ModemEvent.UsbAdded a) {
            m.put("event", "usb_added");
            m.put("usb_id", a.usbId());
            m.put("mode", a.downloadMode() ? "download" : "application");
        } else if (e instanceof ModemEvent.DownloadSessionEnded d) {
            m.put("event", "download_ended");
            m.put("outcome", d.outcome());
            m.put("why", d.why());
        } else if (e instanceof ModemEvent.FirmwareRunning f) {
            m.put("event", "firmware_running");
            m.put("revision", f.revision());
            m.put("updated", f.updated());
        } else {
            return null;
        }
        return m;
    }

    private static void closeQuietly(EmulatedModem modem) {
        try {
            modem.close();
        } catch (IOException e) {
            System.err.println("modemflash: emulator cleanup: " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        Output out = outputOptions.output();
        if (port != PtyFace.ANY_PORT && (port < 1 || port > SharedTree.PORTS)) {
            throw new Failure(ExitCode.USAGE, "--port " + port + ": the emulated root hub has ports 1-"
                    + SharedTree.PORTS);
        }
        Profile p;
        FaultPlan plan;
        EmulatedModem modem;
        try {
            p = Profiles.byName(profile);
            if (mbim) {
                p = p.inMbimComposition();
            }
            plan = FaultPlan.parse(faults);
            DownloadMode mode = DownloadMode.of(p, DownloadMode.edlStorage(edlStorage));
            switch (bootId.toLowerCase(java.util.Locale.ROOT)) {
                case "download" -> { }
                case "app" -> mode = mode.keepingApplicationId(p);
                default -> throw new IllegalArgumentException("--boot-id " + bootId + ": expected download or app");
            }
            modem = EmulatedModem.start(p, plan, storage == null ? null : storage.toAbsolutePath(), mode);
        } catch (IllegalArgumentException e) {
            throw new Failure(ExitCode.USAGE, e.getMessage());
        } catch (IOException e) {
            throw new Failure(ExitCode.USAGE, "cannot use storage " + storage + ": " + e.getMessage(), e);
        }
        modem.boot().linkRate(linkRate);
        if (unplugSeconds < 0) {
            closeQuietly(modem);
            throw new Failure(ExitCode.USAGE, "--unplug-seconds " + unplugSeconds + ": must be >= 0");
        }
        unplugOnSigusr1(out, modem);
        if (gobinet != null) {
            serveGobiNet(out, p, modem);
        }
        if (usbredir != null) {
            return serveUsbRedir(out, p, modem);
        }
        boolean tempDir = dir == null;
        Path where = tempDir ? Files.createTempDirectory("modemflash-emulator-") : dir.toAbsolutePath();
        PtyFace face;
        try {
            face = modem.publishPty(where, port);
        } catch (IOException e) {
            closeQuietly(modem);
            throw new Failure(ExitCode.USAGE, "cannot publish the emulated modem under " + where + ": " + e.getMessage(), e);
        }
        modem.onEvent(e -> report(out, e, usbEvent(e, face)));
        CountDownLatch stopped = stopOnSignal(modem, () -> {
            if (tempDir) {
                // our own directory: no other modem can be waiting on its lock
                Files.deleteIfExists(where.resolve(SharedTree.LOCK_FILE));
                Files.deleteIfExists(where);
            }
        });

        ObjectNode ready = readyLine(p, modem, "pty");
        ready.put("qmi", face.qmiDevice().toString());
        ready.put("control", p.mbim() ? "mbim" : "qmi");
        ready.put("sysfs", face.sysfsRoot().toString());
        ready.put("usb_port", face.usbPort());
        ready.put("usb_device", face.usbDeviceDir().toString());
        ready.put("pty", face.ptySlave().toString());
        // a forecast on a shared DIR (another modem may take the number first): usb_added names the real one
        ready.put("download_tty", face.downloadTty().toString());
        ObjectNode ttys = ready.putObject("ttys");
        face.ttys().forEach((name, fn) -> ttys.put(name, fn.name().toLowerCase(java.util.Locale.ROOT)));
        printReady(ready);
        out.note("emulating " + p.description() + " (" + p.usb().vidPid() + ") at " + face.qmiDevice()
                + "; Ctrl-C to stop");
        // -d DIR/dev/cdc-wdmN alone finds the tree; `devices`, --all and --port need the roots
        out.note("to point other commands at it: export " + io.modemflash.updater.discovery.SystemRoots.SYSFS_ENV
                + "=" + face.dir() + " " + io.modemflash.updater.discovery.SystemRoots.DEV_ENV + "=" + face.dir());
        // the shutdown hook releases this on SIGINT/SIGTERM; a dead pty server ends the run
        while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            Throwable failure = face.failure();
            if (failure != null) {
                throw new Failure(ExitCode.INTERNAL, "emulator stopped serving " + face.qmiDevice() + ": "
                        + failure.getMessage(), failure);
            }
        }
        return ExitCode.OK.code;
    }

    private Integer serveUsbRedir(Output out, Profile p, EmulatedModem modem) throws Exception {
        UsbRedirAddress address;
        try {
            if (dir != null || port != PtyFace.ANY_PORT) {
                throw new IllegalArgumentException("--usbredir serves the modem on a socket: --pty and --port do not"
                        + " apply to it");
            }
            if (usbredirWaitSeconds < 0) {
                throw new IllegalArgumentException("--usbredir-wait " + usbredirWaitSeconds + ": must be >= 0");
            }
            address = UsbRedirAddress.parse(usbredir);
        } catch (IllegalArgumentException e) {
            closeQuietly(modem);
            throw new Failure(ExitCode.USAGE, e.getMessage());
        }
        UsbRedirFace face;
        try {
            face = modem.publishUsbRedir(address, Duration.ofSeconds(usbredirWaitSeconds));
        } catch (IOException e) {
            closeQuietly(modem);
            throw new Failure(address.listen() ? ExitCode.USAGE : ExitCode.DEVICE_NOT_FOUND, e.getMessage(), e);
        }
        modem.onEvent(e -> report(out, e, usbEvent(e, face)));
        CountDownLatch stopped = stopOnSignal(modem, () -> { });
        ObjectNode ready = readyLine(p, modem, "usbredir");
        ready.put("usbredir", address.toString());
        ready.put("socket", address.path().toString());
        ready.put("listen", address.listen());
        ready.put("speed", "high");
        printReady(ready);
        out.note("emulating " + p.description() + " (" + p.usb().vidPid() + ") on " + face.describe()
                + "; Ctrl-C to stop");
        while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            Throwable failure = face.failure();
            if (failure != null) {
                throw new Failure(ExitCode.INTERNAL, "emulator stopped serving " + face.describe() + ": "
                        + failure.getMessage(), failure);
            }
        }
        return ExitCode.OK.code;
    }

    /** --gobinet: the same modem behind the emulated GobiNet driver, on QEMU's socket. */
    private void serveGobiNet(Output out, Profile p, EmulatedModem modem) {
        GobiNetBridge bridge = GobiNetBridge.connect(new GobiNetDriver(modem.qmi(), p.usb().vendorId(),
                p.usb().productId()), gobinet.toAbsolutePath(), Duration.ofSeconds(usbredirWaitSeconds), out::note);
        Runtime.getRuntime().addShutdownHook(new Thread(bridge::close, "gobinet-bridge-close"));
    }

    /** SIGUSR1: a hand on the cable (off the bus for --unplug-seconds, then back). */
    private void unplugOnSigusr1(Output out, EmulatedModem modem) {
        Duration away = Duration.ofSeconds(unplugSeconds);
        boolean trapped = SignalTrap.on("USR1", () -> {
            out.note("emulator: SIGUSR1: unplugged, back in " + unplugSeconds + " s");
            Thread t = new Thread(() -> modem.boot().unplug(away), "emulator-sigusr1");
            t.setDaemon(true);
            t.start();
        });
        if (!trapped) {
            out.note("emulator: SIGUSR1 cannot be caught in this JVM; use --fault unplug:download:<bytes>");
        }
    }

    /** What every ready line carries, whatever the face. */
    private ObjectNode readyLine(Profile p, EmulatedModem modem, String faceName) {
        ObjectNode ready = Output.mapper().createObjectNode();
        ready.put("event", "ready");
        ready.put("face", faceName);
        ready.put("profile", p.name());
        ready.put("model", p.identity().model());
        ready.put("usb_id", p.usb().vidPid());
        ready.put("pid", ProcessHandle.current().pid());
        if (gobinet != null) {
            ready.put("gobinet", gobinet.toAbsolutePath().toString());
        }
        DownloadMode dl = modem.boot().mode();
        ready.put("download_usb_id", dl.usbId());
        ready.put("download_protocol", dl.kind().label);
        ready.put("storage", modem.boot().storageDir().toString());
        var faultList = ready.putArray("faults");
        faults.forEach(faultList::add);
        return ready;
    }

    private static void printReady(ObjectNode ready) {
        synchronized (System.out) {
            System.out.println(ready.toString());
            System.out.flush();
        }
    }

    private static void report(Output out, ModemEvent e, Map<String, Object> usb) {
        out.trace("emulator: " + e);
        if (out.json()) {
            if (usb != null) {
                out.event((String) usb.remove("event"), usb);
            } else {
                out.event("modem", Map.of("what", e.getClass().getSimpleName(), "detail", e.toString()));
            }
        }
    }

    /** Closes the modem (and runs cleanup) on SIGINT/SIGTERM; the latch opens when done. */
    private static CountDownLatch stopOnSignal(EmulatedModem modem, IoAction cleanup) {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                modem.close();
                cleanup.run();
            } catch (IOException e) {
                System.err.println("modemflash: emulator cleanup: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "emulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return stopped;
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
