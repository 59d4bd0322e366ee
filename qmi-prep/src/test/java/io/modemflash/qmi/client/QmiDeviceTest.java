package io.modemflash.qmi.client;

import io.modemflash.qmi.DeviceGoneException;
import io.modemflash.qmi.Hex;
import io.modemflash.qmi.NotQmiPortException;
import io.modemflash.qmi.QmiErrorResponseException;
import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiProtocolError;
import io.modemflash.qmi.QmiResult;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.QmiTimeoutException;
import io.modemflash.qmi.QmiUnexpectedResponseException;
import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.ctl.ReleaseClientId;
import io.modemflash.qmi.ctl.Sync;
import io.modemflash.qmi.dms.GetModel;
import io.modemflash.qmi.dms.GetRevision;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class QmiDeviceTest {
    /** Short timeouts only for paths where the peer never answers; no test measures time. */
    static final QmiDeviceOptions FAST = QmiDeviceOptions.defaults()
            .withSync(Duration.ofMillis(200), 2).withAllocate(Duration.ofMillis(300), 2)
            .withRequestTimeout(Duration.ofSeconds(10)).withShutdownHook(false);

    final ScriptedModem modem = new ScriptedModem();

    @AfterEach
    void stop() {
        modem.close();
    }

    private QmiDevice open() throws QmiException {
        return QmiDevice.open(modem.host, FAST);
    }

    @Test
    void syncThenAllocateThenTypedRequestThenReleaseOnClose() throws Exception {
        modem.script = m -> m.messageId() == GetModel.ID ? List.of(ScriptedModem.ok(m, new GetModel.Response("MC7455")))
                : List.of();
        try (QmiDevice d = open(); DmsClient dms = d.dms()) {
            assertEquals("MC7455", dms.getModel());
            assertEquals(1, modem.allocated.size());
            assertEquals(QmiService.DMS, dms.client().service());
        }
        List<QmiMessage> seen = List.copyOf(modem.received);
        assertEquals(Sync.ID, seen.get(0).messageId());
        assertEquals(AllocateClientId.ID, seen.get(1).messageId());
        assertEquals(GetModel.ID, seen.get(2).messageId());
        assertEquals(QmiService.DMS, seen.get(2).service());
        assertEquals(ReleaseClientId.ID, seen.get(3).messageId());
        assertTrue(modem.allocated.isEmpty(), "client id leaked: " + modem.allocated);
    }

    @Test
    void errorResultThrowsWithTheProtocolError() throws Exception {
        modem.script = m -> List.of(m.respond(QmiResult.failure(QmiProtocolError.INVALID_QMI_COMMAND), List.of()).encode());
        try (QmiDevice d = open(); DmsClient dms = d.dms()) {
            QmiErrorResponseException e = assertThrows(QmiErrorResponseException.class, dms::swiGetCurrentFirmware);
            assertEquals(QmiProtocolError.INVALID_QMI_COMMAND, e.error().orElseThrow());
            assertEquals(SwiGetCurrentFirmware.ID, e.messageId());
            assertEquals("DMS SWI Get Current Firmware failed: InvalidQmiCommand (0x0047)", e.getMessage());
        }
        assertTrue(modem.allocated.isEmpty());
    }

    @Test
    void clientIdReleasedWhenTheBodyThrows() throws Exception {
        QmiDevice d = open();
        assertThrows(IllegalStateException.class, () -> {
            try (DmsClient dms = d.dms()) {
                assertEquals(1, modem.allocated.size());
                throw new IllegalStateException("boom");
            }
        });
        assertTrue(modem.allocated.isEmpty());
        d.close();
    }

    @Test
    void deviceCloseReleasesEveryClientStillHeld() throws Exception {
        QmiDevice d = open();
        d.allocateClient(QmiService.DMS);
        d.allocateClient(QmiService.NAS);
        assertEquals(2, modem.allocated.size());
        d.close();
        assertTrue(modem.allocated.isEmpty(), "leaked " + modem.allocated);
        d.close(); // idempotent
    }

    @Test
    void keptClientIsNotReleased() throws Exception {
        QmiDevice d = open();
        DmsClient dms = d.dms();
        dms.keep();
        dms.close();
        d.close();
        assertEquals(1, modem.allocated.size());
    }

    @Test
    void noAnswerToSyncMeansNotAQmiPort() {
        modem.answerSync = false;
        NotQmiPortException e = assertThrows(NotQmiPortException.class, this::open);
        assertTrue(e.getMessage().startsWith("no answer to QMI CTL Sync from in-memory host end after 2 attempts"),
                e.getMessage());
        assertEquals(2, modem.syncs.get(0));
        assertTrue(modem.host.isClosed(), "transport must be closed after a failed open");
    }

    @Test
    void requestWithoutAnswerTimesOut() throws Exception {
        try (QmiDevice d = open(); DmsClient dms = d.dms()) {
            QmiTimeoutException e = assertThrows(QmiTimeoutException.class,
                    () -> dms.client().request(new GetRevision.Request(), Duration.ofMillis(100)));
            assertTrue(e.getMessage().startsWith("no answer to DMS Get Revision from in-memory host end within 100 ms"),
                    e.getMessage());
        }
        assertTrue(modem.allocated.isEmpty());
    }

    @Test
    void responsesAreMatchedByTransactionIdNotOrder() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        BlockingQueue<QmiMessage> held = new LinkedBlockingQueue<>();
        modem.script = m -> {
            held.add(m);
            both.countDown();
            if (held.size() < 2) {
                return List.of();
            }
            // Answer the later request first.
            QmiMessage first = held.poll();
            QmiMessage second = held.poll();
            return List.of(ScriptedModem.ok(second, new GetModel.Response("second-" + second.transactionId())),
                    ScriptedModem.ok(first, new GetModel.Response("first-" + first.transactionId())));
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (QmiDevice d = open(); DmsClient dms = d.dms()) {
            Future<String> a = pool.submit(dms::getModel);
            Future<String> b = pool.submit(dms::getModel);
            String ra = a.get(10, TimeUnit.SECONDS);
            String rb = b.get(10, TimeUnit.SECONDS);
            assertNotEquals(ra, rb);
            assertTrue(ra.startsWith("first-") ^ rb.startsWith("first-"), ra + " " + rb);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void responseFromAnotherServiceIsRejected() throws Exception {
        modem.script = m -> List.of(QmiMessage.response(QmiService.NAS, m.clientId(), m.transactionId(), m.messageId(),
                List.of(QmiResult.SUCCESS.toTlv())).encode());
        try (QmiDevice d = open(); DmsClient dms = d.dms()) {
            QmiUnexpectedResponseException e = assertThrows(QmiUnexpectedResponseException.class, dms::getModel);
            assertTrue(e.getMessage().contains("came from service NAS"), e.getMessage());
        }
    }

    @Test
    void responseWithAnotherMessageIdIsRejected() throws Exception {
        modem.script = m -> List.of(QmiMessage.response(m.service(), m.clientId(), m.transactionId(), GetRevision.ID,
                List.of(QmiResult.SUCCESS.toTlv())).encode());
        try (QmiDevice d = open(); DmsClient dms = d.dms()) {
            QmiUnexpectedResponseException e = assertThrows(QmiUnexpectedResponseException.class, dms::getModel);
            assertEquals("expected a response to DMS Get Model, got DMS Get Revision (tid " + 1 + ")", e.getMessage());
        }
    }

    @Test
    void truncatedResponseFailsTheRequestItAnswers() throws Exception {
        modem.script = m -> {
            byte[] full = ScriptedModem.ok(m, new GetModel.Response("MC7455"));
            // Keep the QMUX length consistent but cut the TLV block: TLV 0x01 claims more than is left.
            byte[] cut = java.util.Arrays.copyOf(full, full.length - 3);
            int len = cut.length - 1;
            cut[1] = (byte) len;
            cut[2] = (byte) (len >> 8);
            int tlvLen = cut.length - 13;
            cut[11] = (byte) tlvLen;
            cut[12] = (byte) (tlvLen >> 8);
            return List.of(cut);
        };
        try (QmiDevice d = open(); DmsClient dms = d.dms()) {
            QmiFormatException e = assertThrows(QmiFormatException.class, dms::getModel);
            assertTrue(e.getMessage().startsWith("malformed response to DMS Get Model: TLV 0x01 claims 6"),
                    e.getMessage());
        }
        assertTrue(modem.allocated.isEmpty());
    }

    @Test
    void indicationsReachListeners() throws Exception {
        BlockingQueue<QmiMessage> got = new LinkedBlockingQueue<>();
        modem.script = m -> List.of(
                QmiMessage.indication(QmiService.DMS, 0xFF, 0, 0x0001, List.of(new io.modemflash.qmi.Tlv(0x10,
                        Hex.parse("01")))).encode(),
                ScriptedModem.ok(m, new GetModel.Response("X")));
        try (QmiDevice d = open(); DmsClient dms = d.dms()) {
            d.addIndicationListener(got::add);
            assertEquals("X", dms.getModel());
            QmiMessage ind = got.poll(10, TimeUnit.SECONDS);
            assertNotNull(ind);
            assertEquals(0x0001, ind.messageId());
            assertEquals(0xFF, ind.clientId());
        }
    }

    @Test
    void lostPortFailsPendingAndLaterRequests() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        modem.script = m -> {
            asked.countDown();
            return List.of();
        };
        QmiDevice d = open();
        DmsClient dms = d.dms();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> f = pool.submit(dms::getModel);
            assertTrue(asked.await(10, TimeUnit.SECONDS));
            modem.modem.close();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> f.get(10, TimeUnit.SECONDS));
            assertInstanceOf(DeviceGoneException.class, e.getCause());
            assertThrows(DeviceGoneException.class, dms::getRevision);
        } finally {
            pool.shutdownNow();
            d.close();
        }
    }

    @Test
    void lateAllocateAnswerAfterTimeoutIsReleased() throws Exception {
        BlockingQueue<QmiMessage> firstAllocate = new LinkedBlockingQueue<>();
        modem.ctlScript = m -> {
            if (m.messageId() != AllocateClientId.ID) {
                return null;
            }
            if (firstAllocate.isEmpty()) {
                firstAllocate.add(m);
                return List.of(); // silent: the host times out and retries
            }
            QmiMessage late = firstAllocate.peek();
            int lateCid = modem.allocate();
            int cid = modem.allocate();
            return List.of(
                    late.respond(QmiResult.SUCCESS, new AllocateClientId.Response(QmiService.DMS, lateCid).toTlvs()).encode(),
                    m.respond(QmiResult.SUCCESS, new AllocateClientId.Response(QmiService.DMS, cid).toTlvs()).encode());
        };
        try (QmiDevice d = open()) {
            QmiClient c = d.allocateClient(QmiService.DMS);
            assertEquals(2, c.clientId());
            assertEquals(Integer.valueOf(1), modem.released.poll(10, TimeUnit.SECONDS), "late client id 1 not released");
        }
        assertTrue(modem.allocated.isEmpty(), "leaked " + modem.allocated);
    }

    @Test
    void withoutSyncOnOpenTheProbeIsGetVersionInfo() throws Exception {
        modem.ctlScript = m -> m.messageId() == io.modemflash.qmi.ctl.GetVersionInfo.ID
                ? List.of(ScriptedModem.ok(m, new io.modemflash.qmi.ctl.GetVersionInfo.Response(List.of(
                        new io.modemflash.qmi.ctl.GetVersionInfo.ServiceVersion(QmiService.DMS, 1, 14)))))
                : null;
        try (QmiDevice d = QmiDevice.open(modem.host, FAST.withSyncOnOpen(false))) {
            assertEquals(io.modemflash.qmi.ctl.GetVersionInfo.ID, modem.received.peek().messageId());
            assertNull(modem.syncs.get(0), "no Sync may be sent");
        }
    }

    @Test
    void silentPortWithoutSyncOnOpenIsNotAQmiPort() {
        NotQmiPortException e = assertThrows(NotQmiPortException.class,
                () -> QmiDevice.open(modem.host, FAST.withSyncOnOpen(false)));
        assertTrue(e.getMessage().startsWith("no answer to QMI CTL Get Version Info"), e.getMessage());
    }
}
