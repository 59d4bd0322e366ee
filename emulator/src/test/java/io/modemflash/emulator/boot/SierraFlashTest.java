package io.modemflash.emulator.boot;

import io.modemflash.emulator.BootHost;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.firehose.FirehoseSession;
import io.modemflash.qdl.firehose.FirehoseXml;
import io.modemflash.qdl.firehose.StorageInfo;
import io.modemflash.qdl.hdlc.QdlImage;
import io.modemflash.qdl.hdlc.SierraQdlSession;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.sahara.SaharaSession;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.modemflash.vectors.samples.SamplePackages.*;
import static org.junit.jupiter.api.Assertions.*;

public class SierraFlashTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    @TempDir
    static Path samples;
    static Path spk;
    static Path em7565;

    @BeforeAll
    static void writeSamples() throws Exception {
        spk = SamplePackages.mc7455(samples);
        em7565 = SamplePackages.em7565(samples);
    }

    public static void flashQdl(Link link, Path... files) throws Exception {
        SierraQdlSession q = new SierraQdlSession(link);
        q.begin();
        for (Path f : files) {
            q.writeImage(QdlImage.cwe(f), Progress.NONE);
        }
        q.reset();
    }

    public static void flashFirehose(Link link, Path... files) throws Exception {
        SaharaSession s = new SaharaSession(link, SaharaSession.Options.SIERRA_9X50);
        s.awaitHello();
        s.sierraSwitchToFirehose();
        FirehoseSession fh = new FirehoseSession(link, FirehoseSession.Options.DEFAULTS, s.takeBuffered());
        fh.nop("ping");
        assertEquals(8192, fh.configure("nand", false).maxPayloadToTarget());
        StorageInfo info = fh.getStorageInfo(0);
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                fh.programCwe(in, Files.size(f), "spkg.cwe", info, Progress.NONE);
            }
        }
        fh.power("reset", 0);
    }

    @Test
    void mc7455TakesTheSpkOverQdlAndReportsItsVersions(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, storage)) {
            BootHost.requestSierra(modem, MC7455_FIRMWARE, MC7455_CONFIG, MC7455_CARRIER);
            Link link = modem.awaitDownloadMode(WAIT);
            assertNotNull(link);
            flashQdl(link, spk);
            assertTrue(modem.awaitApplicationMode(WAIT));

            List<Path> stored = modem.boot().images().images();
            assertEquals(List.of(storage.resolve("cwe/001-SPKG.cwe")), stored);
            assertArrayEquals(Files.readAllBytes(spk), Files.readAllBytes(stored.get(0)));

            assertTrue(BootHost.revision(modem).startsWith("SWI9X30C_02.38.00.00 "), BootHost.revision(modem));
            var swi = modem.qmi().swiFirmware();
            assertEquals("SWI9X30C_02.38.00.00", swi.amssVersion());
            assertEquals(MC7455_CONFIG, swi.configVersion());
            assertEquals(MC7455_CARRIER, swi.carrier());
            ImageId modemImg = ImageId.of(ImageId.TYPE_MODEM, "?_?", MC7455_FIRMWARE + "_?");
            ImageId pri = ImageId.of(ImageId.TYPE_PRI, MC7455_CONFIG, MC7455_FIRMWARE + "_" + MC7455_CARRIER);
            assertEquals(List.of(modemImg, pri), modem.qmi().firmwarePreference());
            var slots = modem.qmi().storedImages();
            assertEquals(modemImg, slots.get(0).images().get(modem.qmi().runningIndex(0)));
            assertEquals(pri, slots.get(1).images().get(modem.qmi().runningIndex(1)));
        }
    }

    @Test
    void sierraBuiltInProgrammerTakesAConfigureNamingAnotherMemory(@TempDir Path storage) throws Exception {
        // qmi-firmware-update configures a 9x50 with MemoryName="eMMC" and flashes real EM7565s;
        // the emulator refused it ("this target has NAND, not eMMC"), stricter than the device
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565, FaultPlan.NONE, storage)) {
            BootHost.requestSierra(modem, EM7565_FIRMWARE, EM7565_CONFIG, EM7565_CARRIER);
            Link link = modem.awaitDownloadMode(WAIT);
            SaharaSession s = new SaharaSession(link, SaharaSession.Options.SIERRA_9X50);
            s.awaitHello();
            s.sierraSwitchToFirehose();
            FirehoseSession fh = new FirehoseSession(link, FirehoseSession.Options.DEFAULTS, s.takeBuffered());
            fh.nop("ping");
            // one configure, NAKed for its payload size only: storage commands work after it
            FirehoseSession.Reply nak = fh.exchange("configure", java.util.Map.of("MemoryName", "eMMC",
                    "MaxPayloadSizeToTargetInBytes", "1048576"), 5_000);
            assertFalse(nak.response().isAck());
            assertEquals("8192", nak.response().attr("MaxPayloadSizeToTargetInBytes"));
            assertEquals(4096, fh.getStorageInfo(0).sectorSize(), "storage initialised by the NAKed configure");
            fh.power("reset", 0);
        }
    }

    @Test
    void em7565TakesBothCweFilesOverSierraFirehose(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565, FaultPlan.NONE, storage)) {
            BootHost.requestSierra(modem, EM7565_FIRMWARE, EM7565_CONFIG, EM7565_CARRIER);
            Link link = modem.awaitDownloadMode(WAIT);
            assertNotNull(link);
            Path cwe = em7565.resolve(EM7565_CWE);
            Path nvu = em7565.resolve(EM7565_NVU);
            flashFirehose(link, cwe, nvu);
            assertTrue(modem.awaitApplicationMode(WAIT));

            List<Path> stored = modem.boot().images().images();
            assertEquals(List.of(storage.resolve("cwe/001-SPKG.cwe"), storage.resolve("cwe/002-NVUP.cwe")), stored);
            assertArrayEquals(Files.readAllBytes(cwe), Files.readAllBytes(stored.get(0)));
            assertArrayEquals(Files.readAllBytes(nvu), Files.readAllBytes(stored.get(1)));

            assertTrue(BootHost.revision(modem).startsWith("SWI9X50C_01.14.04.00 "));
            var swi = modem.qmi().swiFirmware();
            assertEquals(EM7565_CONFIG, swi.configVersion());
            assertEquals(EM7565_CARRIER, swi.carrier());
        }
    }

    @Test
    void aResetWithoutImagesBootsTheOldFirmware() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            String before = BootHost.revision(modem);
            BootHost.requestSierra(modem, MC7455_FIRMWARE, MC7455_CONFIG, MC7455_CARRIER);
            flashQdl(modem.awaitDownloadMode(WAIT));
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertEquals(before, BootHost.revision(modem));
            assertTrue(modem.boot().images().images().isEmpty());
        }
    }

    /** libqmi's qmi-firmware-update configures real EM7565s with MemoryName="eMMC"; they NAK only the payload. */
    @Test
    void theSierraProgrammerTakesAnyMemoryNameAndNaksOnlyThePayload() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565)) {
            modem.boot().enterDownloadMode();
            Link link = modem.awaitDownloadMode(WAIT);
            SaharaSession s = new SaharaSession(link, SaharaSession.Options.SIERRA_9X50);
            s.awaitHello();
            s.sierraSwitchToFirehose();
            FirehoseSession fh = new FirehoseSession(link, FirehoseSession.Options.DEFAULTS, s.takeBuffered());
            assertEquals(8192, fh.configure("emmc", false).maxPayloadToTarget());
        }
    }

    /**
     * What qmi-firmware-update does on a real EM7565: one configure, NAKed for the payload, and
     * on with the size the NAK named, no second configure: the programmer is initialised.
     */
    @Test
    void afterTheFirstConfigureNakTheSierraProgrammerIsInitialisedAtItsOwnPayload(@TempDir Path storage)
            throws Exception {
        Path cwe = em7565.resolve(EM7565_CWE);
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565, FaultPlan.NONE, storage)) {
            modem.boot().enterDownloadMode();
            Link link = modem.awaitDownloadMode(WAIT);
            SaharaSession s = new SaharaSession(link, SaharaSession.Options.SIERRA_9X50);
            s.awaitHello();
            s.sierraSwitchToFirehose();
            link.setZeroLengthPackets(true);
            byte[] in = new byte[65536];
            link.write(FirehoseXml.command("configure", java.util.Map.of("MemoryName", "eMMC",
                    "MaxPayloadSizeToTargetInBytes", "1048576", "ZlpAwareHost", "0")));
            assertTrue(readUntil(link, in, "<response").contains("value=\"NAK\""));
            link.write(FirehoseXml.command("getStorageInfo", java.util.Map.of("physical_partition_number", "0")));
            assertTrue(readUntil(link, in, "<response").contains("value=\"ACK\""), "storage is initialised");
            FirehoseSession fh = new FirehoseSession(link, FirehoseSession.Options.DEFAULTS, new byte[0]);
            try (InputStream data = Files.newInputStream(cwe)) {
                fh.programCwe(data, Files.size(cwe), "spkg.cwe", new StorageInfo(java.util.Map.of()),
                        Progress.NONE);
            }
            assertArrayEquals(Files.readAllBytes(cwe), Files.readAllBytes(modem.boot().images().images().get(0)));
        }
    }

    private static String readUntil(Link link, byte[] buf, String marker) throws Exception {
        StringBuilder got = new StringBuilder();
        long end = System.nanoTime() + WAIT.toNanos();
        while (!got.toString().contains(marker) && System.nanoTime() < end) {
            int n = link.read(buf, 0, buf.length, 500);
            got.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
        }
        return got.toString();
    }
}
