package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Output;
import io.modemflash.images.archive.FileTrees;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.vectors.samples.ExpectedStorage;
import io.modemflash.vectors.samples.SamplePackages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * `modemflash demo`: the whole job against an emulated modem, with nothing to set up. Builds
 * a sample package, starts the emulated modem on a pseudo-terminal with a sysfs-shaped tree,
 * runs the same commands a technician would, and removes everything afterwards.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Try modemflash without hardware: the whole job against an emulated modem.",
                "Starts an emulated modem on a pseudo-terminal, builds a sample firmware package for it, and runs",
                "the real commands against it: inspect the package, read the modem, update it (download mode,",
                "flash, reboot, verify), and read it again."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--profile", defaultValue = "mc7455", paramLabel = "PROFILE",
            description = "Emulated modem: mc7455, em7565 or edl (default: ${DEFAULT-VALUE}).")
    String profileName;

    @Option(names = "--keep", description = "Keep the work directory (package, pty tree) for a look afterwards.")
    boolean keep;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Profile profile;
        try {
            profile = Profiles.byName(profileName);
        } catch (IllegalArgumentException e) {
            throw new Failure(ExitCode.USAGE, e.getMessage());
        }
        Output out = outputOptions.output();
        Path work = Files.createTempDirectory("modemflash-demo-");
        try {
            Path pkg = samplePackage(profile, work.resolve("package"));
            Path storage = work.resolve("storage");
            try (EmulatedModem modem = EmulatedModem.start(profile, FaultPlan.NONE, storage)) {
                PtyFace face = modem.publishPty(work.resolve("modem"));
                out.text("demo: emulated " + profile.identity().model() + " on " + face.qmiDevice()
                        + " (USB port " + face.usbPort() + ")" + (keep ? ", flash kept in " + storage : ""));
                out.text("demo: sample package " + pkg);
                for (List<String> step : steps(pkg, face, work)) {
                    out.text("\n$ modemflash " + String.join(" ", step));
                    Output.startRun(); // each step is a run of its own, with its own overall result
                    int code = Main.commandLine().execute(step.toArray(String[]::new));
                    if (code != 0) {
                        out.text("demo: step failed with exit code " + code);
                        Output.startRun();
                        out.result(ExitCode.of(code), "demo: the step '"
                                + String.join(" ", step) + "' failed", java.util.Map.of());
                        return code;
                    }
                }
            }
            // The tool's own verify asked the modem; this checks the flash behind it.
            long compared = compareStorage(profile, pkg, storage);
            out.text("\ndemo: the emulated modem's flash equals the package byte for byte (" + compared
                    + " bytes compared)");
            Output.startRun();
            out.result(ExitCode.OK, "the emulated modem's flash equals the package", java.util.Map.of("compared_bytes",
                    compared));
            return ExitCode.OK.code;
        } finally {
            if (keep) {
                out.note("demo: work directory kept: " + work);
            } else {
                FileTrees.delete(work);
            }
        }
    }

    private List<List<String>> steps(Path pkg, PtyFace face, Path work) {
        List<String> common = new ArrayList<>();
        if (outputOptions.json) {
            common.add("--json");
        }
        if (outputOptions.verbose) {
            common.add("-v");
        }
        String dev = face.qmiDevice().toString();
        List<List<String>> steps = new ArrayList<>();
        String root = face.dir().toString();
        steps.add(with(common, "inspect", pkg.toString()));
        steps.add(with(common, "info", "-d", dev));
        // The emulated modem re-enumerates in milliseconds, not the ~70 s of an MC7455: poll
        // sysfs and retry QMI at a matching pace. Journals go to the work directory so the
        // demo leaves nothing in the user's state directory.
        steps.add(with(common, "update", pkg.toString(), "-d", dev, "--sysfs-root", root, "--dev-root", root,
                "--state-dir", work.resolve("state").toString(), "--poll-ms", "20", "--modem-retry-ms", "100"));
        steps.add(with(common, "info", "-d", dev));
        return steps;
    }

    private static List<String> with(List<String> common, String... args) {
        List<String> l = new ArrayList<>(List.of(args));
        l.addAll(common);
        return l;
    }

    private static Path samplePackage(Profile profile, Path dir) throws IOException {
        Files.createDirectories(dir);
        return switch (profile.name()) {
            case "mc7455" -> SamplePackages.mc7455(dir);
            case "em7565" -> SamplePackages.em7565(dir);
            case "edl" -> SamplePackages.edl(dir);
            default -> throw new Failure(ExitCode.USAGE, "no sample package for profile " + profile.name());
        };
    }

    /** Compares what the emulator stored with what the package should have put there; returns the bytes compared. */
    private static long compareStorage(Profile profile, Path pkg, Path storage) throws IOException {
        Map<String, byte[]> expected = new LinkedHashMap<>();
        switch (profile.name()) {
            case "mc7455" -> expected.put("cwe/001-SPKG.cwe", Files.readAllBytes(pkg));
            case "em7565" -> {
                expected.put("cwe/001-SPKG.cwe", Files.readAllBytes(pkg.resolve(SamplePackages.EM7565_CWE)));
                expected.put("cwe/002-NVUP.cwe", Files.readAllBytes(pkg.resolve(SamplePackages.EM7565_NVU)));
            }
            default -> ExpectedStorage.forSample(pkg).forEach((lun, disk) -> expected.put("lun" + lun + ".img", disk));
        }
        long compared = 0;
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            Path file = storage.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new Failure(ExitCode.VERIFY_MISMATCH, "demo: the emulated modem has no " + file);
            }
            long at = Arrays.mismatch(Files.readAllBytes(file), e.getValue());
            if (at >= 0) {
                throw new Failure(ExitCode.VERIFY_MISMATCH, "demo: " + file + " differs from the package at byte " + at);
            }
            compared += e.getValue().length;
        }
        return compared;
    }

}
