package io.modemflash.updater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.updater.cli.ModemflashProcess.Sig;
import io.modemflash.updater.discovery.SystemRoots;
import io.modemflash.updater.pipeline.Samples;
import io.modemflash.vectors.samples.ExpectedStorage;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 13 items 2, 4, 8, 14 and 18, and the README's "run the same update command again and
 * it continues": `modemflash update` as a process against an emulated modem on the pty face
 * (MODEMFLASH_SYSFS_ROOT/DEV_ROOT set, as `emulate` prints them), stopped by a real SIGINT,
 * SIGTERM or SIGKILL before the first byte, mid-image, between images, during the reset and
 * while awaiting the modem; then the identical command line runs again and must complete,
 * leaving the emulator's flash equal to the package byte for byte. The emulated modem keeps
 * whatever protocol state the vanished host left it in (as a real one does): the rerun has to
 * bring it back without a power cycle.
 *
 * <p>Each point gets each signal on some profile (the signal rotates with the case); a
 * download link of {@link #LINK_RATE} bytes/s gives the points time to be hit.
 */
@Execution(ExecutionMode.CONCURRENT)
class InterruptedUpdateProcessTest {
    static final long LINK_RATE = 400_000;

    @TempDir
    static Path sampleDir;
    static Samples samples;
    /** The EDL flat build as a zip: its extraction is what must not outlive a signal. */
    static Path edlArchive;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeSamples() throws Exception {
        samples = Samples.write(sampleDir);
        edlArchive = SamplePackages.edlZip(Files.createDirectories(sampleDir.resolve("zip")));
    }

    /** Where the signal strikes: the event that triggers it, and how long after it (ms). */
    enum Point {
        BEFORE_FIRST_BYTE, MID_IMAGE, BETWEEN_IMAGES, DURING_RESET, AWAITING_MODEM
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        String[] profiles = {"mc7455", "em7565", "edl"};
        for (int p = 0; p < profiles.length; p++) {
            for (Point point : Point.values()) {
                if (point == Point.BETWEEN_IMAGES && profiles[p].equals("mc7455")) {
                    continue; // one image
                }
                Sig s = Sig.values()[(p + point.ordinal()) % Sig.values().length];
                out.add(Arguments.of(profiles[p], point, s));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {2} {1}, then the same command completes")
    @MethodSource("cases")
    void interruptedThenTheSameCommandCompletes(String profileName, Point point, Sig sig) throws Exception {
        Profile profile = Profiles.byName(profileName);
        Path pkg = pkg(profileName);
        Path storage = dir.resolve("storage");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        try (EmulatedModem modem = EmulatedModem.start(profile, FaultPlan.NONE, storage)) {
            modem.boot().linkRate(LINK_RATE);
            PtyFace face = modem.publishPty(dir.resolve("pty"));
            Map<String, String> env = Map.of(SystemRoots.SYSFS_ENV, face.dir().toString(), SystemRoots.DEV_ENV,
                    face.dir().toString());
            List<String> args = List.of("update", pkg.toString(), "-d", face.qmiDevice().toString(), "--json",
                    "--state-dir", dir.resolve("state").toString(), "--poll-ms", "20", "--modem-retry-ms", "100");

            try (ModemflashProcess first = ModemflashProcess.start(env, tmp, args)) {
                assertTrue(first.awaitEvent(trigger(profileName, point), 300_000),
                        "never reached " + point + "\n" + first.err() + first.lines());
                Thread.sleep(delayMs(profileName, point));
                first.signal(sig);
                int exit = first.exit(60);
                assertEquals(sig.exit, exit, "stopped by SIG" + sig + " at " + point + "\n" + first.err());
                if (sig != Sig.KILL) {
                    first.assertJsonContract(exit);
                    JsonNode mine = first.events().stream().filter(e -> e.path("event").asText().equals("result")
                            && e.has("device")).findFirst().orElseThrow();
                    // README: Ctrl-C says what was interrupted, where, and what to run next
                    assertTrue(mine.path("message").asText().contains("run the same command again"), mine.toString());
                    assertTrue(mine.has("stage"), mine.toString());
                    assertTrue(first.err().contains("run the same command again"), first.err());
                    // the zip was extracted under tmp: SIGINT/SIGTERM must not leave that behind
                    assertEquals(List.of(), leftovers(tmp), "temporary files of the package are removed on " + sig);
                }
            }

            try (ModemflashProcess again = ModemflashProcess.start(env, tmp, args)) {
                int exit = again.exit(120);
                assertEquals(0, exit, "the same command after SIG" + sig + " at " + point + "\n" + again.err()
                        + again.lines());
                again.assertJsonContract(0);
                if (profileName.equals("edl") && point == Point.BETWEEN_IMAGES) {
                    // README: "continues, skipping the images the modem acknowledged" (flat builds too)
                    List<String> skipped = again.events().stream().filter(e -> e.path("event").asText().equals("image")
                            && e.path("what").asText().equals("skipped")).map(e -> e.path("image").asText()).toList();
                    assertTrue(skipped.containsAll(List.of("gpt_main0.bin -> PrimaryGPT", "sbl1.mbn -> sbl1")),
                            "the rerun skips what the device acknowledged: " + skipped);
                }
            }
            assertFlashHolds(profileName, profileName.equals("edl") ? samples.edl() : pkg, storage);
        }
    }

    private static Path pkg(String profile) {
        return switch (profile) {
            case "mc7455" -> samples.mc7455();
            case "em7565" -> samples.em7565();
            default -> edlArchive;
        };
    }

    private static Predicate<JsonNode> event(String name, String stage) {
        return e -> e.path("event").asText().equals(name) && e.path("stage").asText().equals(stage);
    }

    private static Predicate<JsonNode> image(String what, String image) {
        return e -> e.path("event").asText().equals("image") && e.path("what").asText().equals(what)
                && e.path("image").asText().equals(image);
    }

    /** The largest image of each sample: the one interrupted mid-way. */
    private static String bigImage(String profile) {
        return switch (profile) {
            case "mc7455" -> "SWI9X30C_02.38.00.00_GENERIC_002.079_000.spk";
            case "em7565" -> SamplePackages.EM7565_CWE;
            default -> "modem.img";
        };
    }

    private static Predicate<JsonNode> trigger(String profile, Point point) {
        return switch (point) {
            case BEFORE_FIRST_BYTE -> event("stage-start", "download");
            case MID_IMAGE -> image("started", bigImage(profile));
            case BETWEEN_IMAGES -> image("done", profile.equals("em7565") ? SamplePackages.EM7565_CWE : "sbl1.mbn");
            case DURING_RESET -> event("stage-start", "reset");
            case AWAITING_MODEM -> event("stage-start", "await-modem");
        };
    }

    /** Mid-image: about a third of the image's time on the link; elsewhere at once. */
    private static long delayMs(String profile, Point point) throws Exception {
        if (point != Point.MID_IMAGE) {
            return 0;
        }
        long size = switch (profile) {
            case "mc7455" -> Files.size(samples.mc7455());
            case "em7565" -> Files.size(samples.em7565().resolve(SamplePackages.EM7565_CWE));
            default -> Files.size(samples.edl().resolve("modem.img"));
        };
        return size * 1000 / LINK_RATE / 3;
    }

    private static List<String> leftovers(Path tmp) throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("modemflash-pkg-")).toList();
        }
    }

    /**
     * The flash equals the package: EDL LUNs as ExpectedStorage computes them; Sierra: the last
     * image the modem stored of each CWE type is the package's file of that type, and no
     * unfinished image is left.
     */
    static void assertFlashHolds(String profile, Path pkg, Path storage) throws Exception {
        if (profile.equals("edl")) {
            for (Map.Entry<Integer, byte[]> e : ExpectedStorage.forSample(pkg).entrySet()) {
                assertArrayEquals(e.getValue(), Files.readAllBytes(storage.resolve("lun" + e.getKey() + ".img")),
                        "LUN " + e.getKey());
            }
            return;
        }
        List<Path> files = Files.isDirectory(pkg) ? Files.list(pkg).sorted().toList() : List.of(pkg);
        List<Path> stored;
        try (Stream<Path> s = Files.list(storage.resolve("cwe"))) {
            stored = s.sorted().toList();
        }
        assertTrue(stored.stream().noneMatch(p -> p.toString().endsWith(".partial")), "unfinished image: " + stored);
        for (Path f : files) {
            byte[] want = Files.readAllBytes(f);
            String type = new String(Arrays.copyOfRange(want, 268, 272), StandardCharsets.US_ASCII);
            Path last = stored.stream().filter(p -> p.getFileName().toString().endsWith("-" + type + ".cwe"))
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no " + type + " image in " + stored));
            assertArrayEquals(want, Files.readAllBytes(last), f.getFileName() + " vs " + last.getFileName());
        }
    }
}
