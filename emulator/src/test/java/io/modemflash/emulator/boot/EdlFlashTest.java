package io.modemflash.emulator.boot;

import io.modemflash.emulator.BootHost;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.ModemEvent;
import io.modemflash.emulator.Profiles;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.flat.FlatBuild;
import io.modemflash.images.flat.FlatOp;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.firehose.FirehoseSession;
import io.modemflash.qdl.firehose.FlatOpRunner;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.sahara.SaharaImage;
import io.modemflash.qdl.sahara.SaharaSession;
import io.modemflash.vectors.samples.ExpectedStorage;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

public class EdlFlashTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    @TempDir
    static Path samples;
    static Path edl;

    @BeforeAll
    static void writeSamples() throws Exception {
        edl = SamplePackages.edl(samples);
    }

    /** Flashes the sample flat build the way the download command does (Sahara, then Firehose ops). */
    static void flash(Link link) throws Exception {
        flash(link, edl);
    }

    /** Flashes the sample flat build at {@code samplePackage} (from SamplePackages.edl). */
    public static void flash(Link link, Path samplePackage) throws Exception {
        SaharaSession sahara = new SaharaSession(link);
        sahara.awaitHello();
        flash(link, sahara, samplePackage);
    }

    /** Same, after the HELLO was received by that session. */
    static void flash(Link link, SaharaSession sahara) throws Exception {
        flash(link, sahara, edl);
    }

    private static void flash(Link link, SaharaSession sahara, Path samplePackage) throws Exception {
        try (FirmwarePackage pkg = FirmwarePackage.open(samplePackage, Limits.defaults())) {
            FlatBuild fb = pkg.flatBuild().orElseThrow();
            try (SaharaImage prog = SaharaImage.open(fb.programmer().path())) {
                sahara.uploadProgrammer(prog, Progress.NONE);
            }
            FirehoseSession fh = new FirehoseSession(link, FirehoseSession.Options.DEFAULTS, sahara.takeBuffered());
            fh.readBanner();
            fh.configure("ufs", false);
            FlatOpRunner run = new FlatOpRunner(fh);
            for (FlatOp op : fb.operations()) {
                run.run(op, Progress.NONE);
            }
            fh.setBootableStorageDrive(fb.bootableLun());
            fh.power("reset", 0);
        }
    }

    @Test
    void sampleFlatBuildFlashesByteForByteAndQmiReportsItsVersion(@TempDir Path storage) throws Exception {
        List<ModemEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, storage)) {
            modem.onEvent(events::add);
            String before = BootHost.revision(modem);
            BootHost.requestEdl(modem);
            Link link = modem.awaitDownloadMode(WAIT);
            assertNotNull(link, "no download-mode link");
            flash(link);
            assertTrue(modem.awaitApplicationMode(WAIT));

            Map<Integer, byte[]> expected = ExpectedStorage.forSample(edl);
            for (var e : expected.entrySet()) {
                byte[] got = Files.readAllBytes(storage.resolve("lun" + e.getKey() + ".img"));
                assertEquals(e.getValue().length, got.length, "LUN " + e.getKey() + " size");
                assertArrayEquals(e.getValue(), got, "LUN " + e.getKey() + " content");
            }
            byte[] lun2 = Files.readAllBytes(storage.resolve("lun2.img"));
            assertArrayEquals(new byte[lun2.length], lun2, "LUN 2 untouched");

            assertNotEquals(SamplePackages.EDL_FIRMWARE, before);
            assertEquals(SamplePackages.EDL_FIRMWARE, BootHost.revision(modem));
            assertTrue(events.contains(new ModemEvent.UsbAdded("05c6:9008", true)), events.toString());
            assertTrue(events.indexOf(new ModemEvent.UsbRemoved("05c6:90db", false))
                    < events.indexOf(new ModemEvent.UsbAdded("05c6:9008", true)));
            assertTrue(events.contains(new ModemEvent.UsbAdded("05c6:90db", false)));
        }
    }

    @Test
    void theSameFlashWorksOverAByteStreamLink(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, storage)) {
            modem.boot().inProcessLink(io.modemflash.qdl.link.InMemoryLink.Options.TTY);
            modem.boot().enterDownloadMode();
            flash(modem.awaitDownloadMode(WAIT));
            assertTrue(modem.awaitApplicationMode(WAIT));
            for (var e : ExpectedStorage.forSample(edl).entrySet()) {
                assertArrayEquals(e.getValue(), Files.readAllBytes(storage.resolve("lun" + e.getKey() + ".img")));
            }
            assertEquals(SamplePackages.EDL_FIRMWARE, BootHost.revision(modem));
        }
    }
}
