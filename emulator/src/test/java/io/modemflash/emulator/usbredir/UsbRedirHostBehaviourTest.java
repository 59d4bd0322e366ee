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
}
