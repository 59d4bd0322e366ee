package io.modemflash.updater.download;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.boot.BlockStorage;
import io.modemflash.emulator.boot.BootSide;
import io.modemflash.emulator.boot.DownloadMode;
import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.qdl.download.DeviceState;
import io.modemflash.qdl.download.DownloadEvent;
import io.modemflash.qdl.download.DownloadException;
import io.modemflash.qdl.download.DownloadOptions;
import io.modemflash.qdl.download.DownloadResult;
import io.modemflash.qdl.download.Downloader;
import io.modemflash.qdl.firehose.FirehoseSession;
import io.modemflash.qdl.hdlc.SierraQdlSession;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.sahara.SaharaSession;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failures;
import io.modemflash.vectors.samples.ExpectedStorage;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Downloader against the emulator's boot side (in-process face), for every sample
 * package: storage compared byte for byte; each injected fault ends with its own message and
 * exit code, and running the same download again completes the flash.
 */
class DownloadEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Short timeouts so that stalls end quickly; no step of a healthy emulated run comes close. */
    static final DownloadOptions FAST = DownloadOptions.DEFAULTS
            .withSahara(SaharaSession.Options.DEFAULTS.withTimeouts(2_000, 1_000),
                    SaharaSession.Options.SIERRA_9X50.withTimeouts(2_000, 1_000))
            .withFirehose(FirehoseSession.Options.DEFAULTS.withTimeouts(
                    new FirehoseSession.Timeouts(1_000, 3_000, 3_000, 2_000, 2_000, 2_000, 2_000, 2_000, 100, 500)))
            .withQdl(new SierraQdlSession.Options(2_000, 3_000, 500, 1 << 20, new int[] {6, 5, 4}));

    @TempDir
    static Path samples;

    @BeforeAll
    static void writeSamples() throws Exception {
        SamplePackages.writeAll(samples);
    }

    static Path pkg(String name) {
        return samples.resolve(name);
    }

    /** One device: the emulator in download mode (entered without QMI, as a test point does). */
    record Run(DownloadResult result, List<DownloadEvent> events) {
    }

    /** The link each modem gave last: after a failed run the next one must be a fresh enumeration. */
    static final Map<EmulatedModem, Link> LAST = Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    static Run download(EmulatedModem modem, Path pkgPath, DownloadOptions options) throws Exception {
        return download(modem, pkgPath, options, l -> l);
    }

    /** As above, the host talking through {@code wrap(link)} (e.g. to record what it sent). */
    static Run download(EmulatedModem modem, Path pkgPath, DownloadOptions options, UnaryOperator<Link> wrap)
            throws Exception {
        modem.boot().enterDownloadMode();
        long deadline = System.nanoTime() + WAIT.toNanos();
        Link link = modem.awaitDownloadMode(WAIT);
        while (link != null && link == LAST.get(modem) && System.nanoTime() < deadline) {
            Thread.sleep(20); // the old personality has not left the bus yet
            link = modem.awaitDownloadMode(WAIT);
        }
        assertNotNull(link, "no download-mode link");
        assertNotSame(LAST.get(modem), link, "no fresh enumeration");
        LAST.put(modem, link);
        List<DownloadEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (FirmwarePackage pkg = FirmwarePackage.open(pkgPath, Limits.defaults())) {
            DownloadResult r = new Downloader(options, events::add).download(pkg, wrap.apply(link));
            return new Run(r, events);
        } finally {
            link.close();
        }
    }

    static DownloadException failing(EmulatedModem modem, Path pkgPath, DownloadOptions options) throws Exception {
        return assertThrows(DownloadException.class, () -> download(modem, pkgPath, options));
    }

    static void assertEdlStorage(Path storage) throws Exception {
        Map<Integer, byte[]> expected = ExpectedStorage.forSample(pkg(SamplePackages.EDL_DIR));
        for (var e : expected.entrySet()) {
            byte[] got = Files.readAllBytes(storage.resolve("lun" + e.getKey() + ".img"));
            assertArrayEquals(e.getValue(), got, "LUN " + e.getKey());
        }
    }

    /** The images the Sierra modem stored, in order, compared with the package files. */
    static void assertSierraStorage(EmulatedModem modem, Path... files) throws Exception {
        List<Path> stored = modem.boot().images().images();
        assertEquals(files.length, stored.size(), stored.toString());
        for (int i = 0; i < files.length; i++) {
            assertArrayEquals(Files.readAllBytes(files[i]), Files.readAllBytes(stored.get(i)), stored.get(i).toString());
        }
    }

    /** Records the command (first element after {@code <data>}) of every Firehose document the host writes. */
    static final class FirehoseCommandRecorder extends io.modemflash.qdl.link.ForwardingLink {
        private static final Pattern COMMAND = Pattern.compile("<data>\\s*<(\\w+)");
        final List<String> commands = Collections.synchronizedList(new ArrayList<>());

        FirehoseCommandRecorder(Link inner) {
            super(inner);
        }

        @Override
        public void write(byte[] data, int off, int len) throws java.io.IOException {
            // documents travel in writes of their own; raw program data never starts with "<?xml"
            String head = new String(data, off, Math.min(len, 512), StandardCharsets.ISO_8859_1);
            if (head.startsWith("<?xml")) {
                Matcher m = COMMAND.matcher(head);
                commands.add(m.find() ? m.group(1) : "?");
            }
            inner.write(data, off, len);
        }






    }

    static EmulatedModem start(Profile p, Path storage, String... faults) throws Exception {
        return EmulatedModem.start(p, faults.length == 0 ? FaultPlan.NONE : FaultPlan.parse(List.of(faults)), storage);
    }

    // ------------------------------------------------------------------ every sample

    @Test
    void edlFlatBuildByteForByte(@TempDir Path storage) throws Exception {
        FirehoseCommandRecorder[] sent = new FirehoseCommandRecorder[1];
        try (EmulatedModem modem = start(Profiles.EDL, storage)) {
            assertTrue(modem.boot().blocks().bootableLun().isEmpty(), "no boot LUN before the download");
            Run run = download(modem, pkg(SamplePackages.EDL_DIR), FAST, l -> sent[0] = new FirehoseCommandRecorder(l));
            assertTrue(modem.awaitApplicationMode(WAIT), "reset back to application mode");
            assertEdlStorage(storage);
            DownloadResult r = run.result();
            assertEquals(DeviceState.SAHARA, r.startState());
            // programmer + 6 programs (the sparse system.img is one image of 3 runs)
            assertEquals(7, r.written());
            assertEquals(SamplePackages.EDL_PROGRAMMER, r.images().get(0).image());
            assertTrue(r.reset());
            assertTrue(run.events().contains(new DownloadEvent.Stage("patch", null)));
            // flat build order: programs, patches, bootable drive, reset; nothing after the reset
            List<String> cmds = List.copyOf(sent[0].commands);
            int lastProgram = cmds.lastIndexOf("program");
            int firstPatch = cmds.indexOf("patch");
            int lastPatch = cmds.lastIndexOf("patch");
            int bootable = cmds.indexOf("setbootablestoragedrive");
            int power = cmds.indexOf("power");
            assertTrue(lastProgram >= 0 && firstPatch > lastProgram, "patches after the programs: " + cmds);
            assertTrue(bootable > lastPatch, "setbootablestoragedrive after the last patch: " + cmds);
            assertEquals(cmds.lastIndexOf("setbootablestoragedrive"), bootable, "sent once: " + cmds);
            assertEquals(cmds.size() - 1, power, "the reset comes last, right after the bootable drive: " + cmds);
            assertEquals(bootable + 1, power, cmds.toString());
            int want;
            try (FirmwarePackage pkg = FirmwarePackage.open(pkg(SamplePackages.EDL_DIR), Limits.defaults())) {
                want = pkg.flatBuild().orElseThrow().bootableLun();
            }
            assertTrue(want >= 0, "the sample names a boot LUN (sbl1)");
            assertEquals(java.util.OptionalInt.of(want), modem.boot().blocks().bootableLun(),
                    "the emulator's boot LUN is the flat build's");
        }
    }

    @Test
    void edlOnNandGuessesTheMemoryAndProgramsSector0Last(@TempDir Path storage) throws Exception {
        // the sample laid out on a NAND part: configure ufs is refused, nand accepted, NAND order used
        var nand = new BlockStorage.Geometry("nand", SamplePackages.EDL_SECTOR_SIZE,
                List.of(SamplePackages.EDL_LUN_SECTORS, SamplePackages.EDL_LUN_SECTORS, SamplePackages.EDL_LUN_SECTORS));
        List<DownloadEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (BootSide boot = new BootSide(Profiles.EDL, new QmiEngine(Profiles.EDL, FaultPlan.NONE), FaultPlan.NONE,
                DownloadMode.of(Profiles.EDL, nand), storage, s -> { });
             FirmwarePackage pkg = FirmwarePackage.open(pkg(SamplePackages.EDL_DIR), Limits.defaults())) {
            boot.enterDownloadMode();
            Link link = boot.awaitBootLink(WAIT);
            new Downloader(FAST, events::add).download(pkg, link);
            assertTrue(boot.awaitApplicationMode(WAIT));
        }
        assertEdlStorage(storage);
        assertTrue(events.contains(new DownloadEvent.Stage("program", "NAND order")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e instanceof DownloadEvent.Warning w
                && w.text().startsWith("configure ufs refused")));
        List<String> programs = events.stream().filter(DownloadEvent.ImageStarted.class::isInstance)
                .map(e -> ((DownloadEvent.ImageStarted) e).image()).toList();
        assertEquals("gpt_main0.bin", programs.get(programs.size() - 1), "sector 0 programmed last: " + programs);
    }

    @Test
    void aProgrammerLeftRunningIsUsedAgain(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = start(Profiles.EDL, storage);
             FirmwarePackage pkg = FirmwarePackage.open(pkg(SamplePackages.EDL_DIR), Limits.defaults())) {
            modem.boot().enterDownloadMode();
            Link link = modem.awaitDownloadMode(WAIT);
            DownloadResult first = new Downloader(FAST.withReset(false), e -> { }).download(pkg, link);
            assertFalse(first.reset());
            // same link, programmer still running and idle: no HELLO, the EDL flow must find Firehose
            DownloadResult again = new Downloader(FAST, e -> { }).download(pkg, link);
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertEquals(DeviceState.FIREHOSE, again.startState(), "no second programmer upload");
            assertEdlStorage(storage);
        }
    }

    @Test
    void edlFromAZipArchive(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = start(Profiles.EDL, storage)) {
            download(modem, pkg(SamplePackages.EDL_ZIP), FAST);
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertEdlStorage(storage);
        }
    }

    @Test
    void mc7455OverSierraQdl(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = start(Profiles.MC7455, storage)) {
            Run run = download(modem, pkg(SamplePackages.MC7455_DIR), FAST);
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertSierraStorage(modem, pkg(SamplePackages.MC7455_DIR).resolve(SamplePackages.MC7455_FILE));
            assertEquals(DeviceState.QDL, run.result().startState());
        }
    }

    @Test
    void em7565OverSierraFirehose(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = start(Profiles.EM7565, storage)) {
            Run run = download(modem, pkg(SamplePackages.EM7565_DIR), FAST);
            assertTrue(modem.awaitApplicationMode(WAIT));
            Path dir = pkg(SamplePackages.EM7565_DIR);
            assertSierraStorage(modem, dir.resolve(SamplePackages.EM7565_CWE), dir.resolve(SamplePackages.EM7565_NVU));
            assertEquals(DeviceState.SAHARA, run.result().startState());
            assertEquals(2, run.result().written());
        }
    }

    @Test
    void aPackageForAnotherDeviceIsRefused(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = start(Profiles.EDL, storage)) {
            DownloadException e = failing(modem, pkg(SamplePackages.MC7455_DIR), FAST);
            assertEquals(ExitCode.WRONG_DEVICE, Failures.classify(e), e.getMessage());
            assertTrue(e.getMessage().contains("says Sahara HELLO"), e.getMessage());
        }
        try (EmulatedModem modem = start(Profiles.EDL, storage)) {
            DownloadException e = failing(modem, pkg(SamplePackages.EM7565_DIR), FAST);
            assertEquals(ExitCode.WRONG_DEVICE, Failures.classify(e), e.getMessage());
            assertTrue(e.getMessage().contains("EXECUTE 0xFF00"), e.getMessage());
        }
        try (EmulatedModem modem = start(Profiles.EM7565, storage)) {
            DownloadException e = failing(modem, pkg(SamplePackages.MC7455_DIR), FAST);
            assertEquals(ExitCode.WRONG_DEVICE, Failures.classify(e), e.getMessage());
        }
        try (EmulatedModem modem = start(Profiles.MC7455, storage)) {
            // a QDL target waits silently; the probe a silent device gets (a Firehose NOP) draws an HDLC
            // error frame from it, which names what it is
            DownloadException e = failing(modem, pkg(SamplePackages.EDL_DIR), FAST);
            assertEquals(ExitCode.WRONG_DEVICE, Failures.classify(e), e.getMessage());
            assertTrue(e.getMessage().contains("speaks HDLC (Sierra QDL)"), e.getMessage());
        }
    }

    // ------------------------------------------------------------------ faults, then the same download again

    @Test
    void disconnectMidImageThenAgain(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = start(Profiles.EDL, storage, "disconnect:download:200000")) {
            DownloadException e = failing(modem, pkg(SamplePackages.EDL_DIR), FAST);
            assertEquals(ExitCode.DEVICE_GONE, Failures.classify(e), e.getMessage());
            assertEquals("program", e.stage());
            assertNotNull(e.image(), "names the image being written");
            download(modem, pkg(SamplePackages.EDL_DIR), FAST);
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertEdlStorage(storage);
        }
    }

    @Test
    void sierraDisconnectResumesWithTheImagesLeft(@TempDir Path storage) throws Exception {
        Path dir = pkg(SamplePackages.EM7565_DIR);
        // the .cwe is 231 053 bytes (233 472 with sector padding): the cut falls inside the .nvu
        try (EmulatedModem modem = start(Profiles.EM7565, storage, "disconnect:download:240000")) {
            DownloadException e = failing(modem, dir, FAST);
            assertEquals(ExitCode.DEVICE_GONE, Failures.classify(e), e.getMessage());
            assertEquals(List.of(SamplePackages.EM7565_CWE), e.completed());
            assertEquals(SamplePackages.EM7565_NVU, e.image());
            Run again = download(modem, dir, FAST.withSkipImages(new HashSet<>(e.completed())));
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertTrue(again.result().images().get(0).skipped());
            assertSierraStorage(modem, dir.resolve(SamplePackages.EM7565_CWE), dir.resolve(SamplePackages.EM7565_NVU));
        }
    }

    /** What a completed flash must have left on the device. */
    interface Check {
        void verify(EmulatedModem modem) throws Exception;
    }

    /**
     * The fault ends the download with {@code code} and a message containing {@code says}. It
     * stays with that device (a NAK or stall every time, a programmer signed for another OEM),
     * so the same download then runs on a healthy device with the same flash and completes.
     */
    static DownloadException failsThenCompletes(Profile p, Path storage, String fault, Path pkgPath, ExitCode code,
                                                String says, Check check) throws Exception {
        DownloadException e;
        try (EmulatedModem modem = start(p, storage, fault)) {
            e = failing(modem, pkgPath, FAST);
            assertEquals(code, Failures.classify(e), e.getMessage());
            assertTrue(e.getMessage().contains(says), e.getMessage());
        }
        try (EmulatedModem modem = start(p, storage)) {
            download(modem, pkgPath, FAST);
            assertTrue(modem.awaitApplicationMode(WAIT));
            check.verify(modem);
        }
        return e;
    }

    @Test
    void nakOfProgramThenAgainWithoutTheFault(@TempDir Path storage) throws Exception {
        DownloadException e = failsThenCompletes(Profiles.EDL, storage, "nak:program", pkg(SamplePackages.EDL_DIR),
                ExitCode.PROTOCOL, "program of gpt_main0.bin: ", m -> assertEdlStorage(storage));
        assertEquals("program", e.stage());
    }

    @Test
    void stallThenAgain(@TempDir Path storage) throws Exception {
        failsThenCompletes(Profiles.EDL, storage, "stall:configure", pkg(SamplePackages.EDL_DIR), ExitCode.TIMEOUT,
                "no response to <configure>", m -> assertEdlStorage(storage));
    }

    @Test
    void badCrcThenAgain(@TempDir Path storage) throws Exception {
        Path dir = pkg(SamplePackages.MC7455_DIR);
        try (EmulatedModem modem = start(Profiles.MC7455, storage, "corrupt-crc")) {
            DownloadException e = failing(modem, dir, FAST);
            assertEquals(ExitCode.PROTOCOL, Failures.classify(e), e.getMessage());
            assertTrue(e.getMessage().toLowerCase().contains("crc"), e.getMessage());
            download(modem, dir, FAST);
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertSierraStorage(modem, dir.resolve(SamplePackages.MC7455_FILE));
        }
    }

    @Test
    void anEatenHelloIsProvokedAgainOnEdl(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = start(Profiles.EDL, storage, "eat-hello")) {
            Run run = download(modem, pkg(SamplePackages.EDL_DIR), FAST);
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertEquals(DeviceState.SAHARA, run.result().startState());
            assertEdlStorage(storage);
        }
    }

    /** Issue 13 item 18: a 9x50 whose HELLO something ate is brought back without a power cycle. */
    @Test
    void anEatenHelloOnASierra9x50IsRecoveredWithoutAPowerCycle(@TempDir Path storage) throws Exception {
        Path dir = pkg(SamplePackages.EM7565_DIR);
        try (EmulatedModem modem = start(Profiles.EM7565, storage, "eat-hello")) {
            download(modem, dir, FAST);
            assertSierraStorage(modem, dir.resolve(SamplePackages.EM7565_CWE), dir.resolve(SamplePackages.EM7565_NVU));
        }
    }

    @Test
    void aRejectedProgrammerThenAgainWithTheRightOne(@TempDir Path storage) throws Exception {
        DownloadException e = failsThenCompletes(Profiles.EDL, storage, "reject-programmer", pkg(SamplePackages.EDL_DIR),
                ExitCode.PROTOCOL, "programmer rejected: hash table auth failure", m -> assertEdlStorage(storage));
        assertEquals("sahara", e.stage());
    }
}
