package io.modemflash.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * `modemflash emulate --profile P [--pty DIR] [--fault SPEC]`: serves an emulated modem on a
 * pty with a sysfs-shaped tree until SIGINT/SIGTERM, then removes what it created. Prints one
 * JSON line {"event":"ready",...} on stdout once clients can connect.
 */
@Command(name = "emulate",
        mixinStandardHelpOptions = true,
        description = {"Run an emulated modem on a pseudo-terminal, with a sysfs-shaped tree describing its USB device.",
                "Prints one JSON line {\"event\":\"ready\",...} on stdout when ready; serves until SIGINT/SIGTERM."})
public final class EmulateCommand implements Callable<Integer> {

    @Option(names = "--profile", required = true, paramLabel = "P",
            description = "Modem to emulate: ${COMPLETION-CANDIDATES}.", completionCandidates = ProfileNames.class)
    String profile;

    @Option(names = "--pty", paramLabel = "DIR",
            description = "Publish DIR/dev/cdc-wdm0 and DIR/sys (default: a new temporary directory, removed on exit).")
    Path dir;

    @Option(names = "--fault", paramLabel = "SPEC",
            description = {"Inject a fault (repeatable): qmi-error:<message>:<ErrorName>, qmi-drop:<message>, qmi-garbage.",
                    "e.g. qmi-error:dms-get-revision:Internal"})
    List<String> faults = new ArrayList<>();

    @Mixin
    OutputOptions outputOptions;

    static final class ProfileNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Profiles.names().iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        Output out = new Output(outputOptions);
        Profile p;
        FaultPlan plan;
        EmulatedModem modem;
        try {
            p = Profiles.byName(profile);
            plan = FaultPlan.parse(faults);
            modem = EmulatedModem.start(p, plan);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCode.USAGE, e.getMessage());
        }
        boolean tempDir = dir == null;
        Path where = tempDir ? Files.createTempDirectory("modemflash-emulator-") : dir.toAbsolutePath();
        PtyFace face;
        try {
            face = modem.publishPty(where);
        } catch (IOException e) {
            throw new CliFailure(ExitCode.USAGE, "cannot publish the emulated modem under " + where + ": " + e.getMessage(), e);
        }
        modem.onEvent(e -> {
            out.trace("emulator: " + e);
            if (out.json()) {
                out.event("modem", Map.of("what", e.getClass().getSimpleName(), "detail", e.toString()));
            }
        });

        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                modem.close();
                if (tempDir) {
                    Files.deleteIfExists(where);
                }
            } catch (IOException e) {
                System.err.println("modemflash: emulator cleanup: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "emulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        ObjectNode ready = Output.mapper().createObjectNode();
        ready.put("event", "ready");
        ready.put("profile", p.name());
        ready.put("model", p.identity().model());
        ready.put("usb_id", p.usb().vidPid());
        ready.put("qmi", face.qmiDevice().toString());
        ready.put("sysfs", face.sysfsRoot().toString());
        ready.put("usb_port", face.usbPort());
        ready.put("usb_device", face.usbDeviceDir().toString());
        ready.put("pty", face.ptySlave().toString());
        ready.put("pid", ProcessHandle.current().pid());
        ObjectNode ttys = ready.putObject("ttys");
        face.ttys().forEach((name, fn) -> ttys.put(name, fn.name().toLowerCase(java.util.Locale.ROOT)));
        var faultList = ready.putArray("faults");
        faults.forEach(faultList::add);
        synchronized (System.out) {
            System.out.println(ready.toString());
            System.out.flush();
        }
        out.note("emulating " + p.description() + " (" + p.usb().vidPid() + ") at " + face.qmiDevice()
                + "; Ctrl-C to stop");
        // the shutdown hook releases this on SIGINT/SIGTERM; a dead pty server ends the run
        while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            Throwable failure = face.failure();
            if (failure != null) {
                throw new CliFailure(ExitCode.INTERNAL, "emulator stopped serving " + face.qmiDevice() + ": "
                        + failure.getMessage(), failure);
            }
        }
        return ExitCode.OK.code;
    }
}
