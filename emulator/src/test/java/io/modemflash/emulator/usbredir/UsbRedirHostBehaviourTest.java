package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.ModemEvent;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.boot.DownloadMode;
import io.modemflash.emulator.boot.EdlFlashTest;
import io.modemflash.emulator.boot.SierraFlashTest;
import io.modemflash.emulator.usbredir.UsbRedirDownloadTest.Qmi;
import io.modemflash.emulator.usbredir.UsbRedirMessage.BulkPacket;
import io.modemflash.qdl.hdlc.Hdlc;
import io.modemflash.qmi.Hex;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.modemflash.emulator.usbredir.UsbRedirDownloadTest.reenumerated;
import static io.modemflash.vectors.samples.SamplePackages.*;
import static org.junit.jupiter.api.Assertions.*;

/** What hosts do to a modem besides QMI and downloads: AT and DM ports, boot-and-hold ids, unplugging. */
class UsbRedirHostBehaviourTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    @TempDir
    static Path samples;
    static Path edl;
    static Path spk;

    @BeforeAll
    static void writeSamples() throws Exception {
        edl = SamplePackages.edl(samples);
        spk = SamplePackages.mc7455(samples);
    }

    static UsbRedirTestHost attach(EmulatedModem modem, Path dir) throws Exception {
        modem.publishUsbRedir(new UsbRedirAddress(true, dir.resolve("s")), WAIT);
        return UsbRedirTestHost.connect(dir.resolve("s"));
    }

    /** Writes to a serial port and collects what comes back until the answer ends with {@code end}. */
    static String serial(UsbRedirTestHost host, int out, int in, byte[] data, String end) throws Exception {
        assertEquals(UsbRedir.STATUS_SUCCESS, host.bulkOut(out, data).status());
        StringBuilder got = new StringBuilder();
        long giveUp = System.nanoTime() + WAIT.toNanos();
        while (!got.toString().endsWith(end) && System.nanoTime() < giveUp) {
            BulkPacket r = (BulkPacket) host.submitBulkIn(host.nextId(), in, 4096).get(10, TimeUnit.SECONDS);
            got.append(new String(r.data(), StandardCharsets.ISO_8859_1));
        }
        return got.toString();
    }

    @Test
    void aPartKeepingItsApplicationIdInBootAndHoldShowsOneInterface(@TempDir Path dir) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, dir.resolve("flash"),
                DownloadMode.of(Profiles.MC7455).keepingApplicationId(Profiles.MC7455));
             UsbRedirTestHost host = attach(modem, dir)) {
            assertEquals(4, host.enumerate().interfaces());
            new Qmi(host, 8, 0x87).requestSierra(MC7455_FIRMWARE, MC7455_CONFIG, MC7455_CARRIER);
            UsbRedirTestHost.Enumerated boot = reenumerated(host, 0x1199, 0x9071);
            assertEquals(1, boot.interfaces(), "qcserial decides QDL mode by this count");
            assertEquals("09 04 00 00 02 FF FF FF 00 07 05 81 02 00 02 00 07 05 01 02 00 02 00",
                    Hex.spaced(boot.configuration(), 9, 32));
            SierraFlashTest.flashQdl(host.link(0x81, 0x01), spk);
            assertEquals(4, reenumerated(host, 0x1199, 0x9071).interfaces());
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertArrayEquals(Files.readAllBytes(spk), Files.readAllBytes(modem.boot().images().images().get(0)));
        }
    }

    @Test
    void atBootholdAnswersOkThenTheModemDropsIntoBootAndHold(@TempDir Path dir) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455); UsbRedirTestHost host = attach(modem, dir)) {
            host.enumerate();
            assertEquals(UsbRedir.STATUS_SUCCESS, host.setInterface(3, 0).status()); // qcserial's AT port
            assertEquals(UsbRedir.STATUS_SUCCESS, host.control(0x21, 0x22, 3, 3, 0, new byte[0]).status());
            String ati = serial(host, 0x03, 0x84, "ATI\r".getBytes(StandardCharsets.US_ASCII), "OK\r\n");
            assertTrue(ati.contains("\r\nModel: MC7455\r\nRevision: SWI9X30C_02.33.03.00 "), ati);
            assertEquals("AT!BOOTHOLD\r\r\nOK\r\n",
                    serial(host, 0x03, 0x84, "AT!BOOTHOLD\r".getBytes(StandardCharsets.US_ASCII), "OK\r\n"));
            reenumerated(host, 0x1199, 0x9070);
            assertTrue(modem.boot().inDownloadMode());
        }
    }

    @Test
    void theDmPortAnswersQcdmAndTakesAGenericPartToEdl(@TempDir Path dir) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL); UsbRedirTestHost host = attach(modem, dir)) {
            host.enumerate();
            String version = serial(host, 0x01, 0x81, Hdlc.frame(new byte[] {0x00}), "~");
            byte[] rsp = Hdlc.unframe(version.getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("SDX55", new String(rsp, 39, 5, StandardCharsets.US_ASCII));
            // PROTOCOLS.md 1.5: the framed command comes back as it went, and the part drops off into EDL
            String echo = serial(host, 0x01, 0x81, Hex.parse("4b 65 01 00 54 0f 7e"), "~");
            assertEquals("4B 65 01 00 54 0F 7E", Hex.spaced(echo.getBytes(StandardCharsets.ISO_8859_1)));
            reenumerated(host, 0x05c6, 0x9008);
        }
    }

    @Test
    void anUnplugFaultKeepsTheDeviceOffTheBusForItsSecondsAndTheRerunCompletes(@TempDir Path dir)
            throws Exception {
        Path flash = dir.resolve("flash");
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.parse("unplug:download:100000:1"),
                flash); UsbRedirTestHost host = attach(modem, dir)) {
            host.enumerate();
            modem.boot().enterDownloadMode();
            reenumerated(host, 0x05c6, 0x9008);
            assertThrows(java.io.IOException.class, () -> EdlFlashTest.flash(host.link(0x81, 0x01), edl));
            host.awaitDisconnect();
            long gone = System.nanoTime();
            assertEquals(0x9008, host.enumerate().productId());
            long awayMs = (System.nanoTime() - gone) / 1_000_000;
            assertTrue(awayMs >= 900, "back after " + awayMs + " ms, expected about a second");
            EdlFlashTest.flash(host.link(0x81, 0x01), edl);
            reenumerated(host, 0x05c6, 0x90db);
            assertTrue(modem.awaitApplicationMode(WAIT));
        }
        UsbRedirDownloadTest.assertFlashedLikeTheSample(flash, edl);
    }

    @Test
    void unpluggingMidTransferCutsTheSessionAndTheDeviceReturnsInDownloadMode(@TempDir Path dir) throws Exception {
        List<ModemEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, dir.resolve("flash"));
             UsbRedirTestHost host = attach(modem, dir)) {
            modem.onEvent(events::add);
            host.enumerate();
            modem.boot().enterDownloadMode();
            reenumerated(host, 0x05c6, 0x9008);
            var sahara = new io.modemflash.qdl.sahara.SaharaSession(host.link(0x81, 0x01));
            sahara.awaitHello();
            CompletableFuture<Void> cable = CompletableFuture.runAsync(
                    () -> modem.boot().unplug(Duration.ofMillis(300)));
            cable.get(10, TimeUnit.SECONDS);
            host.awaitDisconnect();
            assertEquals(0x9008, host.enumerate().productId());
            assertTrue(events.contains(new ModemEvent.DownloadSessionEnded("download", "unplugged for 0 s")),
                    events.toString());
        }
    }

    @Test
    void unpluggingInApplicationModeIsAPowerCycle(@TempDir Path dir) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455); UsbRedirTestHost host = attach(modem, dir)) {
            host.enumerate();
            new Qmi(host, 8, 0x87).dms();
            assertEquals(1, modem.qmi().totalAllocatedClientIds());
            modem.boot().unplug(Duration.ofMillis(300));
            host.awaitDisconnect();
            assertEquals(0x9071, host.enumerate().productId());
            assertEquals(0, modem.qmi().totalAllocatedClientIds(), "power lost: client ids gone");
            assertTrue(new Qmi(host, 8, 0x87).revision().startsWith("SWI9X30C"));
        }
    }

    /** Reads device output until a Firehose response; returns all that came. */
    private static String response(io.modemflash.qdl.link.Link link) throws Exception {
        StringBuilder got = new StringBuilder();
        byte[] buf = new byte[4096];
        long end = System.nanoTime() + WAIT.toNanos();
        while (!got.toString().contains("<response") && System.nanoTime() < end) {
            int n = link.read(buf, 0, buf.length, 500);
            got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return got.toString();
    }

    /** A command qmi-firmware-update's way: retried while NAKed, as it does after its end-of-image block. */
    private static String command(io.modemflash.qdl.link.Link link, String tag, java.util.Map<String, String> attrs)
            throws Exception {
        String r = "";
        for (int attempt = 0; attempt < 3; attempt++) {
            link.write(io.modemflash.qdl.firehose.FirehoseXml.command(tag, attrs));
            r = response(link);
            if (r.contains("value=\"ACK\"")) {
                return r;
            }
        }
        return r;
    }

    /**
     * libqmi 1.32's qmi-firmware-update on an EM7565 (from its source and a bench run): one
     * configure with MemoryName eMMC, NAKed for the payload and not repeated; each image as
     * 8192-byte blocks of full packets without a ZLP, the last block rounded to a sector, then
     * 512 zeros "to notify the end of the transmission" that a real modem takes together with
     * the next command and NAKs, so that command is sent again.
     */
    @Test
    void qmiFirmwareUpdatesWayOfFlashingAnEm7565Works(@TempDir Path dir) throws Exception {
        Path em = SamplePackages.em7565(samples);
        List<Path> images = List.of(em.resolve(EM7565_CWE), em.resolve(EM7565_NVU));
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565, FaultPlan.NONE, dir.resolve("flash"));
             UsbRedirTestHost host = attach(modem, dir)) {
            host.enumerate();
            modem.boot().enterDownloadMode();
            reenumerated(host, 0x1199, 0x9090);
            io.modemflash.qdl.link.Link link = host.link(0x81, 0x01); // no ZLPs: a tty
            Thread.sleep(2000); // "waiting time for device to boot properly"
            var sahara = new io.modemflash.qdl.sahara.SaharaSession(link,
                    io.modemflash.qdl.sahara.SaharaSession.Options.SIERRA_9X50);
            sahara.awaitHello();
            sahara.sierraSwitchToFirehose();
            link.write(io.modemflash.qdl.firehose.FirehoseXml.command("NOP", java.util.Map.of("value", "ping")));
            assertTrue(response(link).contains("ACK"));
            link.write(io.modemflash.qdl.firehose.FirehoseXml.command("configure", java.util.Map.of("MemoryName", "eMMC",
                    "MaxPayloadSizeToTargetInBytes", "1048576", "ZlpAwareHost", "0")));
            assertTrue(response(link).contains("MaxPayloadSizeToTargetInBytes=\"8192\""));
            assertTrue(command(link, "getStorageInfo", java.util.Map.of("physical_partition_number", "0"))
                    .contains("ACK"));
            for (Path image : images) {
                byte[] data = Files.readAllBytes(image);
                int sectors = (data.length + 4095) / 4096;
                String r = command(link, "program", java.util.Map.of("PAGES_PER_BLOCK", "64",
                        "SECTOR_SIZE_IN_BYTES", "4096", "filename", "spkg.cwe", "num_partition_sectors",
                        Integer.toString(sectors), "physical_partition_number", "0", "start_sector", "-1"));
                assertTrue(r.contains("rawmode=\"true\""), r);
                byte[] padded = java.util.Arrays.copyOf(data, sectors * 4096);
                for (int at = 0; at < padded.length; at += 8192) {
                    link.write(padded, at, Math.min(8192, padded.length - at));
                }
                link.write(new byte[512]); // the end-of-transfer block
                assertTrue(response(link).contains("rawmode=\"false\""));
            }
            assertTrue(command(link, "power", java.util.Map.of("value", "reset")).contains("ACK"));
            reenumerated(host, 0x1199, 0x9091);
            assertTrue(modem.awaitApplicationMode(WAIT));
            List<Path> stored = modem.boot().images().images();
            assertEquals(2, stored.size());
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(Files.readAllBytes(images.get(i)), Files.readAllBytes(stored.get(i)));
            }
        }
    }
}
