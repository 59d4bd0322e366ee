package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.ModemEndpoint;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.usbredir.UsbRedirMessage.ControlPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.DeviceConnect;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Endpoint;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Interface;
import io.modemflash.emulator.usbredir.UsbRedirMessage.InterruptPacket;
import io.modemflash.qmi.Hex;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.dms.GetIds;
import io.modemflash.qmi.dms.GetRevision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

class UsbRedirFaceTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final int QMI_IFACE = 8;
    static final int QMI_NOTIFY_EP = 0x87;

    static UsbRedirFace listen(EmulatedModem modem, Path sock) throws Exception {
        return modem.publishUsbRedir(new UsbRedirAddress(true, sock), WAIT);
    }

    @Test
    void theMc7455EnumeratesWithTheDescriptorsOfTheRealPart(@TempDir Path dir) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            listen(modem, dir.resolve("s"));
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"))) {
                assertEquals(RedirConnection.VERSION, host.awaitHello().version());
                DeviceConnect c = host.awaitConnect();
                assertEquals(new DeviceConnect(0, UsbRedir.SPEED_HIGH, 0, 0, 0, 0x1199, 0x9071, 0x0006), c);
                // info came before the connect, as QEMU needs it
                assertEquals(List.of(new Interface(0, 0xff, 0xff, 0xff), new Interface(2, 0xff, 0, 0),
                        new Interface(3, 0xff, 0, 0), new Interface(8, 0xff, 0xff, 0xff)),
                        host.interfaceInfo().interfaces());
                List<Endpoint> eps = host.epInfo().endpoints();
                assertEquals(new Endpoint(UsbRedir.EP_CONTROL, 0, 0, 64), eps.get(0));
                assertEquals(new Endpoint(UsbRedir.EP_BULK, 0, 8, 512), eps.get(UsbRedir.slot(0x86)));
                assertEquals(new Endpoint(UsbRedir.EP_INTERRUPT, 9, 8, 64), eps.get(UsbRedir.slot(0x87)));
                assertEquals(new Endpoint(UsbRedir.EP_BULK, 0, 8, 512), eps.get(UsbRedir.slot(0x04)));
                assertEquals(Endpoint.INVALID, eps.get(UsbRedir.slot(0x88)));

                UsbRedirTestHost.Enumerated e = host.enumerateConnected();
                assertEquals("12 01 00 02 00 00 00 40 99 11 71 90 06 00 01 02 03 01", Hex.spaced(e.device()));
                assertEquals(UsbDescriptorsTest.MC7455_CONFIG, Hex.spaced(e.configuration()));
                assertEquals("Sierra Wireless, Incorporated", e.manufacturer());
                assertEquals(Profiles.MC7455.usb().product(), e.product());
                assertEquals(Profiles.MC7455.usb().serial(), e.serial());

                // qcserial's SET_INTERFACE and usb_wwan's SET_CONTROL_LINE_STATE on the AT port
                assertEquals(UsbRedir.STATUS_SUCCESS, host.setInterface(3, 0).status());
                assertEquals(UsbRedir.STATUS_SUCCESS, host.control(0x21, 0x22, 3, 3, 0, new byte[0]).status());
                // what a modem does not do: STALL
                assertEquals(UsbRedir.STATUS_STALL, host.setInterface(3, 1).status());
                assertEquals(UsbRedir.STATUS_STALL, host.control(0x80, 0x06, 0x0f00, 0, 5, null).status(), "no BOS");
                assertEquals(UsbRedir.STATUS_STALL, host.control(0xc0, 0x01, 0, 0, 4, null).status(), "vendor");
                assertEquals(UsbRedir.STATUS_STALL, host.control(0x80, 0x06, 0x0304, 0x409, 255, null).status());
                assertTrue(host.unexpected.isEmpty(), host.unexpected.toString());
            }
        }
    }

    static QmiMessage qmi(UsbRedirTestHost host, QmiMessage request) throws Exception {
        return QmiMessage.decode(host.qmi(QMI_IFACE, QMI_NOTIFY_EP, request.encode()));
    }

    @Test
    void qmiOverCdcWdmAnswersLikeEveryOtherFaceAndSharesClientIds(@TempDir Path dir) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            listen(modem, dir.resolve("s"));
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"));
                 ModemEndpoint direct = modem.connect()) {
                host.enumerate();
                assertEquals(UsbRedir.STATUS_SUCCESS, host.interruptReceiving(QMI_NOTIFY_EP, true).status());
                // cdc-wdm drains on open: nothing queued is a zero-length answer
                assertEquals(0, host.getResponse(QMI_IFACE).length);

                QmiMessage alloc = qmi(host, QmiMessage.request(QmiService.CTL, 0, 1, AllocateClientId.ID,
                        new AllocateClientId.Request(QmiService.DMS).toTlvs()));
                int cid = AllocateClientId.Response.decode(alloc.tlvs()).clientId();
                assertEquals(java.util.Set.of(cid), modem.allocatedClientIds(QmiService.DMS));

                for (QmiMessage req : List.of(
                        QmiMessage.request(QmiService.DMS, cid, 7, GetRevision.ID, new GetRevision.Request().toTlvs()),
                        QmiMessage.request(QmiService.DMS, cid, 8, GetIds.ID, new GetIds.Request().toTlvs()))) {
                    byte[] viaUsb = host.qmi(QMI_IFACE, QMI_NOTIFY_EP, req.encode());
                    direct.write(req.encode()); // the same client id on another face of the same modem
                    byte[] buf = new byte[4096];
                    int n = direct.read(buf, 0, buf.length, 2000);
                    assertEquals(Hex.spaced(java.util.Arrays.copyOf(buf, n)), Hex.spaced(viaUsb));
                }
                assertTrue(GetRevision.Response.decode(qmi(host, QmiMessage.request(QmiService.DMS, cid, 9,
                        GetRevision.ID, new GetRevision.Request().toTlvs())).tlvs()).revision().startsWith("SWI9X30C"));
            }
        }
    }

    @Test
    void answersLeftUnreadAreAnnouncedAgainAndNeverShiftLaterOnes(@TempDir Path dir) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            listen(modem, dir.resolve("s"));
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"))) {
                host.enumerate();
                host.interruptReceiving(QMI_NOTIFY_EP, true);
                QmiMessage alloc = qmi(host, QmiMessage.request(QmiService.CTL, 0, 1, AllocateClientId.ID,
                        new AllocateClientId.Request(QmiService.DMS).toTlvs()));
                int cid = AllocateClientId.Response.decode(alloc.tlvs()).clientId();

                // a client sends a request and closes the port before fetching the answer
                QmiMessage first = QmiMessage.request(QmiService.DMS, cid, 20, GetRevision.ID, List.of());
                host.control(0x21, 0x00, 0, QMI_IFACE, first.encode().length, first.encode());
                host.interruptReceiving(QMI_NOTIFY_EP, false);
                assertNotNull(host.interrupt(QMI_NOTIFY_EP, WAIT)); // the one notification, never acted on

                // the next client opens: receiving starts again and the unread answer is announced again
                host.interruptReceiving(QMI_NOTIFY_EP, true);
                InterruptPacket again = host.interrupt(QMI_NOTIFY_EP, WAIT);
                assertNotNull(again, "unread answer not announced again");
                assertEquals("A1 01 00 00 08 00 00 00", Hex.spaced(again.data()));
                assertEquals(20, QmiMessage.decode(host.getResponse(QMI_IFACE)).transactionId());

                // and the next answer is the next one's, not shifted by the stale one
                QmiMessage second = QmiMessage.request(QmiService.DMS, cid, 21, GetIds.ID, List.of());
                assertEquals(21, qmi(host, second).transactionId());
                assertEquals(0, host.getResponse(QMI_IFACE).length, "nothing else queued");
            }
        }
    }

    @Test
    void aBulkInWaitsForDataAndCanBeCancelled(@TempDir Path dir) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            listen(modem, dir.resolve("s"));
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"))) {
                host.enumerate();
                long id = host.nextId();
                CompletableFuture<UsbRedirMessage> in = host.submitBulkIn(id, 0x82, 4096); // NMEA: silent
                Thread.sleep(200);
                assertFalse(in.isDone(), "a bulk IN with no data must wait");
                host.cancel(id);
                var r = (UsbRedirMessage.BulkPacket) in.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(UsbRedir.STATUS_CANCELLED, r.status());
                // network data on the QMI interface is taken and dropped
                assertEquals(UsbRedir.STATUS_SUCCESS, host.bulkOut(0x04, new byte[100]).status());
                // an endpoint the device does not have
                assertEquals(UsbRedir.STATUS_INVAL, host.bulkOut(0x09, new byte[1]).status());
            }
        }
    }

    @Test
    void garbageOnTheSocketIsLoggedAndTheDeviceKeepsAnswering(@TempDir Path dir) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            UsbRedirFace face = listen(modem, dir.resolve("s"));
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"))) {
                host.enumerate();
                host.sendRaw(Hex.parse("63 00 00 00 03 00 00 00 01 00 00 00 00 00 00 00 AA BB CC")); // unknown type
                host.sendRaw(Hex.parse("65 00 00 00 0C 00 00 00 04 00 00 00 00 00 00 00 01 00 04 00 00 00 00 00 00 00 01 02"));
                host.sendRaw(Hex.parse("0C 00 00 00 03 00 00 00 05 00 00 00 00 00 00 00 81 08 04")); // iso stream
                ControlPacket d = host.control(0x80, 0x06, 0x0100, 0, 18, null);
                assertEquals(UsbRedir.STATUS_SUCCESS, d.status());
                assertNull(face.failure());
            }
        }
    }

    @Test
    void connectModeRetriesUntilTheSocketExistsAndNamesItWhenItNeverDoes(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("qemu.sock");
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565)) {
            CompletableFuture<UsbRedirFace> face = CompletableFuture.supplyAsync(() -> {
                try {
                    return modem.publishUsbRedir(new UsbRedirAddress(false, sock), WAIT);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(500); // the emulator starts first, as a bench may start it
            try (ServerSocketChannel server = UsbRedirTestHost.listen(sock);
                 UsbRedirTestHost host = UsbRedirTestHost.accept(server)) {
                assertEquals(0x9091, host.enumerate().productId());
                assertTrue(face.get().connected());
            }
        }
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565)) {
            java.io.IOException e = assertThrows(java.io.IOException.class,
                    () -> modem.publishUsbRedir(new UsbRedirAddress(false, dir.resolve("none")), Duration.ofMillis(300)));
            assertTrue(e.getMessage().contains(dir.resolve("none") + " after 0 s: it does not exist"), e.getMessage());
        }
    }

    @Test
    void aGuestThatGoesAwayLeavesTheModemForTheNextOne(@TempDir Path dir) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL)) {
            UsbRedirFace face = listen(modem, dir.resolve("s"));
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"))) {
                host.enumerate();
                host.submitBulkIn(host.nextId(), 0x81, 512); // left pending when the guest dies
            }
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"))) {
                UsbRedirTestHost.Enumerated e = host.enumerate();
                assertEquals(0x90db, e.productId());
                assertEquals(2, face.connections());
            }
        }
    }
}
