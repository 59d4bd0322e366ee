package io.modemflash.emulator.boot;

import io.modemflash.emulator.BootHost;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.firehose.FirehoseNakException;
import io.modemflash.qdl.firehose.FirehoseSession;
import io.modemflash.qdl.hdlc.HdlcException;
import io.modemflash.qdl.hdlc.QdlImage;
import io.modemflash.qdl.hdlc.SierraQdlSession;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.link.LinkTimeoutException;
import io.modemflash.qdl.sahara.SaharaImage;
import io.modemflash.qdl.sahara.SaharaSession;
import io.modemflash.qdl.sahara.SaharaStatus;
import io.modemflash.qdl.sahara.SaharaStatusException;
import io.modemflash.vectors.samples.ExpectedStorage;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modemflash.emulator.ModemEvent;
import io.modemflash.qdl.sahara.SaharaCommands;
import io.modemflash.qdl.sahara.SaharaPacket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** Each injected fault produces the behaviour a real part shows, and the modem recovers where real ones do. */
class BootFaultTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    @TempDir
    static Path samples;
    static Path edl;
    static Path spk;

    @BeforeAll
    static void writeSamples() throws Exception {
        edl = SamplePackages.edl(samples);
        spk = SamplePackages.mc7455(samples);
        EdlFlashTest.edl = edl;
    }

    private static EmulatedModem edlInDownloadMode(String fault, Path storage) throws Exception {
        EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.parse(fault), storage);
        BootHost.requestEdl(modem);
        return modem;
    }

    private static void assertStorageIsTheSample(Path storage) throws IOException {
        for (var e : ExpectedStorage.forSample(edl).entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(storage.resolve("lun" + e.getKey() + ".img")));
        }
    }

    private static SaharaSession programmerLoaded(Link link) throws IOException {
        SaharaSession s = new SaharaSession(link);
        s.awaitHello();
        try (FirmwarePackage pkg = FirmwarePackage.open(edl, Limits.defaults());
             SaharaImage prog = SaharaImage.open(pkg.flatBuild().orElseThrow().programmer().path())) {
            s.uploadProgrammer(prog, Progress.NONE);
        }
        return s;
    }

    @Test
    void disconnectMidDownloadLeavesTheModemInDownloadModeAndASecondRunCompletes(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = edlInDownloadMode("disconnect:download:100000", storage)) {
            Link first = modem.awaitDownloadMode(WAIT);
            assertThrows(IOException.class, () -> EdlFlashTest.flash(first));
            Link second = modem.awaitDownloadMode(WAIT);
            assertNotNull(second);
            assertNotSame(first, second);
            assertTrue(modem.boot().inDownloadMode());
            EdlFlashTest.flash(second);
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertEquals(2, modem.boot().sessions());
            assertStorageIsTheSample(storage);
            assertEquals(SamplePackages.EDL_FIRMWARE, BootHost.revision(modem));
        }
    }

    @Test
    void disconnectAtANamedStage(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = edlInDownloadMode("disconnect:programmer", storage)) {
            Link first = modem.awaitDownloadMode(WAIT);
            assertThrows(IOException.class, () -> programmerLoaded(first));
            EdlFlashTest.flash(modem.awaitDownloadMode(WAIT));
            assertTrue(modem.awaitApplicationMode(WAIT));
        }
    }

    @Test
    void nakOfANamedCommandCarriesTheReason(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = edlInDownloadMode("nak:program", storage)) {
            FirehoseNakException e = assertThrows(FirehoseNakException.class,
                    () -> EdlFlashTest.flash(modem.awaitDownloadMode(WAIT)));
            assertEquals("program", e.command());
            assertTrue(e.reason().contains("injected"), e.reason());
        }
    }

    @Test
    void stallMakesTheHostTimeOut(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = edlInDownloadMode("stall:configure", storage)) {
            Link link = modem.awaitDownloadMode(WAIT);
            SaharaSession s = programmerLoaded(link);
            var t = FirehoseSession.Timeouts.DEFAULTS;
            FirehoseSession fh = new FirehoseSession(link, FirehoseSession.Options.DEFAULTS.withTimeouts(
                    new FirehoseSession.Timeouts(300, t.program(), t.cweProgram(), t.erase(), t.read(), t.patch(),
                            t.sha256(), t.reset(), 50, 300)), s.takeBuffered());
            fh.readBanner();
            assertThrows(LinkTimeoutException.class, () -> fh.configure("ufs", false));
        }
    }

    @Test
    void eatenHelloComesBackAfterAOneBytePoke(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = edlInDownloadMode("eat-hello", storage)) {
            Link link = modem.awaitDownloadMode(WAIT);
            // a host that only listens sees silence: the HELLO was eaten
            SaharaSession listening = new SaharaSession(link, SaharaSession.Options.SIERRA_9X50.withTimeouts(5_000, 300));
            assertThrows(LinkTimeoutException.class, listening::awaitHello);
            // one that pokes with a byte gets a fresh HELLO and goes on
            SaharaSession poking = new SaharaSession(link, SaharaSession.Options.DEFAULTS.withTimeouts(5_000, 300));
            assertNotNull(poking.awaitHello());
            EdlFlashTest.flash(link, poking);
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertStorageIsTheSample(storage);
        }
    }

    @Test
    void rejectedProgrammerIsHashTableAuthFailure(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = edlInDownloadMode("reject-programmer", storage)) {
            SaharaStatusException e = assertThrows(SaharaStatusException.class,
                    () -> programmerLoaded(modem.awaitDownloadMode(WAIT)));
            assertEquals(SaharaStatus.HASH_TABLE_AUTH_FAILURE.code, e.status());
        }
    }

    @Test
    void rebootIntoTheOldFirmwareReportsTheOldVersion(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.parse("reboot-old"), storage)) {
            String before = BootHost.revision(modem);
            BootHost.requestEdl(modem);
            EdlFlashTest.flash(modem.awaitDownloadMode(WAIT));
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertStorageIsTheSample(storage);
            assertEquals(before, BootHost.revision(modem));
        }
    }

    @Test
    void wrongVersionIsNeitherTheOldNorTheNew(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.parse("wrong-version"), storage)) {
            String before = BootHost.revision(modem);
            BootHost.requestEdl(modem);
            EdlFlashTest.flash(modem.awaitDownloadMode(WAIT));
            assertTrue(modem.awaitApplicationMode(WAIT));
            String after = BootHost.revision(modem);
            assertNotEquals(before, after);
            assertNotEquals(SamplePackages.EDL_FIRMWARE, after);
        }
    }

    @Test
    void corruptedQdlCrcIsSeenByTheHost(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.parse("corrupt-crc"), storage)) {
            BootHost.requestSierra(modem, SamplePackages.MC7455_FIRMWARE, SamplePackages.MC7455_CONFIG,
                    SamplePackages.MC7455_CARRIER);
            HdlcException e = assertThrows(HdlcException.class,
                    () -> SierraFlashTest.flashQdl(modem.awaitDownloadMode(WAIT), spk));
            assertTrue(e.getMessage().contains("CRC"), e.getMessage());
            assertTrue(modem.boot().images().images().isEmpty(), "an unfinished image is not stored");
        }
    }

    @Test
    void qdlDisconnectMidImageStoresNothingAndASecondRunCompletes(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.parse("disconnect:download:100000"),
                storage)) {
            BootHost.requestSierra(modem, SamplePackages.MC7455_FIRMWARE, SamplePackages.MC7455_CONFIG,
                    SamplePackages.MC7455_CARRIER);
            Link first = modem.awaitDownloadMode(WAIT);
            assertThrows(IOException.class, () -> SierraFlashTest.flashQdl(first, spk));
            Link second = modem.awaitDownloadMode(WAIT); // re-enumerated: the interrupted session is over
            assertTrue(modem.boot().images().images().isEmpty());
            try (var s = Files.list(storage.resolve("cwe"))) {
                assertEquals(0, s.count(), "no partial file left behind");
            }
            SierraFlashTest.flashQdl(second, spk);
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertArrayEquals(Files.readAllBytes(spk), Files.readAllBytes(storage.resolve("cwe/001-SPKG.cwe")));
            assertTrue(BootHost.revision(modem).startsWith("SWI9X30C_" + SamplePackages.MC7455_FIRMWARE));
        }
    }

    @Test
    void crashDumpServesItsMemoryAndRebootsIntoTheOldFirmware(@TempDir Path storage) throws Exception {
        List<ModemEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.parse("crash-dump"), storage)) {
            modem.onEvent(events::add);
            String before = BootHost.revision(modem);
            BootHost.requestSierra(modem, SamplePackages.MC7455_FIRMWARE, SamplePackages.MC7455_CONFIG,
                    SamplePackages.MC7455_CARRIER);
            Link link = modem.awaitDownloadMode(WAIT);
            SaharaSession s = new SaharaSession(link);
            assertEquals(SaharaPacket.MODE_MEMORY_DEBUG, s.awaitHello().mode());
            List<SaharaCommands.MemoryRegion> regions = s.memoryDebugTable();
            assertEquals(CrashDump.REGIONS.size(), regions.size());
            SaharaCommands.MemoryRegion ocimem = regions.get(0);
            assertEquals("OCIMEM.BIN", ocimem.fileName());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            s.dumpRegion(ocimem, out, Progress.NONE);
            assertArrayEquals(CrashDump.read(ocimem.base(), (int) ocimem.length()), out.toByteArray());
            SaharaCommands.MemoryRegion outside = new SaharaCommands.MemoryRegion(1, ocimem.base() + ocimem.length(),
                    64, "x", "x.bin");
            SaharaStatusException e = assertThrows(SaharaStatusException.class,
                    () -> s.dumpRegion(outside, new ByteArrayOutputStream(), Progress.NONE));
            assertEquals(SaharaStatus.INVALID_MEMORY_READ.code, e.status());
            s.reset();
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertTrue(events.contains(new ModemEvent.UsbAdded("05c6:900e", true)), events.toString());
            assertEquals(before, BootHost.revision(modem));
        }
    }

    @Test
    void qdlStallAtCloseTimesTheHostOutAndKeepsNoImage(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.parse("stall:close"), storage)) {
            BootHost.requestSierra(modem, SamplePackages.MC7455_FIRMWARE, SamplePackages.MC7455_CONFIG,
                    SamplePackages.MC7455_CARRIER);
            SierraQdlSession q = new SierraQdlSession(modem.awaitDownloadMode(WAIT),
                    SierraQdlSession.Options.DEFAULTS.withLastChunkAckTimeout(300));
            q.begin();
            assertThrows(LinkTimeoutException.class, () -> q.writeImage(QdlImage.cwe(spk), Progress.NONE));
            assertTrue(modem.boot().images().images().isEmpty());
        }
    }

    @Test
    void faultSpecsAreCheckedWhenParsed() {
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.parse("stall:nowhere"));
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.parse("disconnect:download:x"));
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.parse("eat-hello:1"));
        assertEquals(new FaultPlan.Disconnect("download", 5), FaultPlan.parse("disconnect:download:5").faults().get(0));
        assertEquals(new FaultPlan.Nak("program"), FaultPlan.parse("nak:program").faults().get(0));
    }
}
