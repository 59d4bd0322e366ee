package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.ModemEvent;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.boot.EdlFlashTest;
import io.modemflash.emulator.boot.SierraFlashTest;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiRequest;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.dms.GetRevision;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.OperatingMode;
import io.modemflash.qmi.dms.SetBootImageDownloadMode;
import io.modemflash.qmi.dms.SetFirmwarePreference;
import io.modemflash.qmi.dms.SetOperatingMode;
import io.modemflash.qdl.link.Link;
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

import static io.modemflash.vectors.samples.SamplePackages.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Whole updates through the usbredir face, the way a kernel and a host tool see them: QMI over
 * cdc-wdm asks for download mode, the device disconnects and comes back on the same
 * connection as its download identity, the host's real Sahara/Firehose/QDL sessions run on
 * the bulk endpoints, the device resets and comes back in application mode, and the flash
 * equals the package byte for byte.
 */
class UsbRedirDownloadTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    @TempDir
    static Path samples;
    static Path edl;
    static Path spk;
    static Path em7565;

    @BeforeAll
    static void writeSamples() throws Exception {
        edl = SamplePackages.edl(samples);
        spk = SamplePackages.mc7455(samples);
        em7565 = SamplePackages.em7565(samples);
    }

    /** QMI over the enumerated application device (QMI on {@code iface}, notifications on {@code ep}). */
    static final class Qmi {
        final UsbRedirTestHost host;
        final int iface;
        final int ep;
        int tid = 1;

        Qmi(UsbRedirTestHost host, int iface, int ep) throws Exception {
            this.host = host;
            this.iface = iface;
            this.ep = ep;
            host.interruptReceiving(ep, true);
        }

        QmiMessage call(int cid, QmiRequest<?> r) throws Exception {
            int t = r.service() == QmiService.CTL ? tid++ & 0xff : tid++;
            QmiMessage m = QmiMessage.request(r.service(), cid, t, r.messageId(), r.toTlvs());
            QmiMessage answer = QmiMessage.decode(host.qmi(iface, ep, m.encode()));
            answer.checkResult();
            return answer;
        }

        int dms() throws Exception {
            return AllocateClientId.Response.decode(call(0, new AllocateClientId.Request(QmiService.DMS)).tlvs())
                    .clientId();
        }

        String revision() throws Exception {
            return GetRevision.Response.decode(call(dms(), new GetRevision.Request()).tlvs()).revision();
        }

        void offlineReset(int cid) throws Exception {
            call(cid, new SetOperatingMode.Request(OperatingMode.OFFLINE));
            call(cid, new SetOperatingMode.Request(OperatingMode.RESET)); // answered before the device leaves
        }

        void requestSierra(String fw, String config, String carrier) throws Exception {
            int cid = dms();
            call(cid, new SetFirmwarePreference.Request(List.of(ImageId.of(ImageId.TYPE_MODEM, "?_?", fw + "_?"),
                    ImageId.of(ImageId.TYPE_PRI, config, fw + "_" + carrier))));
            offlineReset(cid);
        }

        void requestEdl() throws Exception {
            int cid = dms();
            call(cid, new SetBootImageDownloadMode.Request(SetBootImageDownloadMode.BOOT_AND_RECOVERY));
            offlineReset(cid);
        }
    }

    /** Every LUN equals what the sample flat build should leave, byte for byte. */
    static void assertFlashedLikeTheSample(Path flash, Path samplePackage) throws Exception {
        for (var x : ExpectedStorage.forSample(samplePackage).entrySet()) {
            assertArrayEquals(x.getValue(), Files.readAllBytes(flash.resolve("lun" + x.getKey() + ".img")),
                    "LUN " + x.getKey());
        }
    }

    /** The download personality after the application device left: one interface ff/ff/ff. */
    static UsbRedirTestHost.Enumerated reenumerated(UsbRedirTestHost host, int vid, int pid) throws Exception {
        host.awaitDisconnect();
        UsbRedirTestHost.Enumerated e = host.enumerate();
        assertEquals(String.format("%04x:%04x", vid, pid), String.format("%04x:%04x", e.vendorId(), e.productId()));
        return e;
    }

    @Test
    void mc7455UpdatesOverSierraQdlThroughReenumeration(@TempDir Path dir) throws Exception {
        List<ModemEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, dir.resolve("flash"))) {
            modem.onEvent(events::add);
            modem.publishUsbRedir(new UsbRedirAddress(true, dir.resolve("s")), WAIT);
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"))) {
                assertEquals(4, host.enumerate().interfaces());
                new Qmi(host, 8, 0x87).requestSierra(MC7455_FIRMWARE, MC7455_CONFIG, MC7455_CARRIER);

                UsbRedirTestHost.Enumerated boot = reenumerated(host, 0x1199, 0x9070);
                assertEquals(1, boot.interfaces());
                assertEquals("09 04 00 00 02 FF FF FF 00 07 05 81 02 00 02 00 07 05 01 02 00 02 00",
                        io.modemflash.qmi.Hex.spaced(boot.configuration(), 9, 32));
                SierraFlashTest.flashQdl(host.link(0x81, 0x01), spk);

                reenumerated(host, 0x1199, 0x9071);
                assertTrue(modem.awaitApplicationMode(WAIT));
                assertTrue(new Qmi(host, 8, 0x87).revision().startsWith("SWI9X30C_02.38.00.00 "));
            }
            List<Path> stored = modem.boot().images().images();
            assertEquals(1, stored.size());
            assertArrayEquals(Files.readAllBytes(spk), Files.readAllBytes(stored.get(0)));
            assertTrue(events.indexOf(new ModemEvent.UsbRemoved("1199:9071", false))
                    < events.indexOf(new ModemEvent.UsbAdded("1199:9070", true)), events.toString());
        }
    }

    @Test
    void em7565UpdatesOverSaharaCommandModeAndFirehose(@TempDir Path dir) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565, FaultPlan.NONE, dir.resolve("flash"))) {
            modem.publishUsbRedir(new UsbRedirAddress(true, dir.resolve("s")), WAIT);
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"))) {
                host.enumerate();
                new Qmi(host, 8, 0x87).requestSierra(EM7565_FIRMWARE, EM7565_CONFIG, EM7565_CARRIER);
                reenumerated(host, 0x1199, 0x9090);
                Path cwe = em7565.resolve(EM7565_CWE);
                Path nvu = em7565.resolve(EM7565_NVU);
                SierraFlashTest.flashFirehose(host.link(0x81, 0x01), cwe, nvu);
                reenumerated(host, 0x1199, 0x9091);
                assertTrue(modem.awaitApplicationMode(WAIT));
                assertTrue(new Qmi(host, 8, 0x87).revision().startsWith("SWI9X50C_01.14.04.00 "));
            }
            List<Path> stored = modem.boot().images().images();
            assertArrayEquals(Files.readAllBytes(em7565.resolve(EM7565_CWE)), Files.readAllBytes(stored.get(0)));
            assertArrayEquals(Files.readAllBytes(em7565.resolve(EM7565_NVU)), Files.readAllBytes(stored.get(1)));
        }
    }

    @Test
    void edlUploadsTheProgrammerAndFlashesEveryLunWithZlpsSwallowed(@TempDir Path dir) throws Exception {
        Path flash = dir.resolve("flash");
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, flash)) {
            UsbRedirFace face = modem.publishUsbRedir(new UsbRedirAddress(true, dir.resolve("s")), WAIT);
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"))) {
                host.enumerate();
                new Qmi(host, 2, 0x85).requestEdl();
                UsbRedirTestHost.Enumerated e = reenumerated(host, 0x05c6, 0x9008);
                assertEquals("QUSB_BULK_CID:0404_SN:5A1EE025", e.product());
                assertNull(e.serial(), "iSerialNumber 0");
                Link link = host.link(0x81, 0x01);
                DownloadFunction device = face.downloadFunction();
                EdlFlashTest.flash(link, edl);
                assertTrue(device.zeroLengthPacketsReceived() > 0, "Firehose sent ZLPs after full-packet writes");
                reenumerated(host, 0x05c6, 0x90db);
                assertTrue(modem.awaitApplicationMode(WAIT));
                assertEquals(EDL_FIRMWARE, new Qmi(host, 2, 0x85).revision());
            }
            assertFlashedLikeTheSample(flash, edl);
        }
    }

    @Test
    void anInjectedDisconnectIsADeviceDisconnectAndTheDeviceComesBackInDownloadMode(@TempDir Path dir)
            throws Exception {
        Path flash = dir.resolve("flash");
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.parse("disconnect:download:100000"),
                flash)) {
            modem.publishUsbRedir(new UsbRedirAddress(true, dir.resolve("s")), WAIT);
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"))) {
                host.enumerate();
                modem.boot().enterDownloadMode();
                reenumerated(host, 0x05c6, 0x9008);
                Exception cut = assertThrows(Exception.class, () -> EdlFlashTest.flash(host.link(0x81, 0x01), edl));
                assertTrue(cut instanceof java.io.IOException, cut.toString());
                // the real device_disconnect, then the same identity again on the same connection
                reenumerated(host, 0x05c6, 0x9008);
                EdlFlashTest.flash(host.link(0x81, 0x01), edl);
                reenumerated(host, 0x05c6, 0x90db);
                assertTrue(modem.awaitApplicationMode(WAIT));
            }
            assertFlashedLikeTheSample(flash, edl);
        }
    }

    @Test
    void aCrashDumpEnumeratesAs900e(@TempDir Path dir) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL)) {
            modem.publishUsbRedir(new UsbRedirAddress(true, dir.resolve("s")), WAIT);
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"))) {
                host.enumerate();
                modem.boot().enterCrashDump();
                UsbRedirTestHost.Enumerated e = reenumerated(host, 0x05c6, 0x900e);
                assertEquals(1, e.interfaces());
                var sahara = new io.modemflash.qdl.sahara.SaharaSession(host.link(0x81, 0x01));
                assertEquals(io.modemflash.qdl.sahara.SaharaPacket.MODE_MEMORY_DEBUG, sahara.awaitHello().mode());
            }
        }
    }

    /**
     * Debian's qdl (2022) writes every transfer in 512-byte pieces, each its own USBDEVFS_BULK,
     * a ZLP after a write that is a whole number of packets, and its XML ends with a newline
     * after {@code </data>}: that newline is the end of the command's transfer, not the first
     * byte of the raw data (before, the device counted it as data and took the next command's
     * last byte for "1 bytes that are not XML", as the bench saw with the real qdl).
     */
    @Test
    void aHostWritingInPacketSizedTransfersFlashesTheSame(@TempDir Path dir) throws Exception {
        Path flash = dir.resolve("flash");
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, flash)) {
            modem.publishUsbRedir(new UsbRedirAddress(true, dir.resolve("s")), WAIT);
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"))) {
                host.enumerate();
                modem.boot().enterDownloadMode();
                reenumerated(host, 0x05c6, 0x9008);
                Link link = new io.modemflash.qdl.link.ForwardingLink(host.link(0x81, 0x01)) {
                    @Override
                    public void write(byte[] data, int off, int len) throws java.io.IOException {
                        if (len > 5 && new String(data, off, 5, java.nio.charset.StandardCharsets.US_ASCII)
                                .equals("<?xml")) {
                            // libxml2's xmlDocDumpMemory ends the document with a newline
                            byte[] doc = java.util.Arrays.copyOfRange(data, off, off + len + 1);
                            doc[len] = '\n';
                            data = doc;
                            off = 0;
                            len = doc.length;
                        }
                        boolean zlp = inner.zeroLengthPackets();
                        inner.setZeroLengthPackets(false);
                        for (int at = 0; at < len; at += 512) {
                            inner.write(data, off + at, Math.min(512, len - at));
                        }
                        inner.setZeroLengthPackets(zlp);
                        if (len % 512 == 0) {
                            try {
                                host.bulkOut(0x01, new byte[0]);
                            } catch (java.io.IOException e) {
                                throw e;
                            } catch (Exception e) {
                                throw new java.io.IOException(e);
                            }
                        }
                    }
                };
                EdlFlashTest.flash(link, edl);
                reenumerated(host, 0x05c6, 0x90db);
            }
            assertFlashedLikeTheSample(flash, edl);
        }
    }
}
