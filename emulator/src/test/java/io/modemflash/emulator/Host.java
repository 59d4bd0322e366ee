package io.modemflash.emulator;

import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiResult;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.QmuxFramer;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.QmiRequest;
import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.ctl.ReleaseClientId;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A minimal test host on an in-memory endpoint: sends typed requests, reads whole frames back. */
final class Host implements AutoCloseable {
    final ModemEndpoint port;
    private final QmuxFramer framer = new QmuxFramer();
    private final Deque<byte[]> frames = new ArrayDeque<>();
    private int tid = 1;

    Host(EmulatedModem modem) {
        this.port = modem.connect();
    }

    /** Sends a request and returns the decoded response (fails when none comes). */
    QmiMessage call(int clientId, QmiRequest<?> request) throws Exception {
        int t = request.service() == QmiService.CTL ? tid++ & 0xFF : tid++;
        QmiMessage m = QmiMessage.request(request.service(), clientId, t, request.messageId(), request.toTlvs());
        return send(m.encode());
    }

    QmiMessage call(int service, int clientId, int messageId, List<Tlv> tlvs) throws Exception {
        return send(QmiMessage.request(service, clientId, tid++ & 0xFF, messageId, tlvs).encode());
    }

    QmiMessage send(byte[] raw) throws Exception {
        port.write(raw);
        byte[] frame = next();
        if (frame == null) {
            fail("no response to " + io.modemflash.qmi.Hex.spaced(raw));
        }
        QmiMessage r = QmiMessage.decode(frame);
        assertTrue(r.fromModem());
        return r;
    }

    /** The next whole frame the modem wrote, or null when it wrote nothing (synchronous engine: no waiting needed). */
    byte[] next() throws Exception {
        if (!frames.isEmpty()) {
            return frames.poll();
        }
        byte[] buf = new byte[65536];
        int n = port.read(buf, 0, buf.length, 0);
        if (n <= 0) {
            return null;
        }
        frames.addAll(framer.feedFrames(buf, 0, n));
        return frames.poll();
    }

    int allocate(int service) throws Exception {
        QmiMessage r = call(0, new AllocateClientId.Request(service));
        r.checkResult();
        AllocateClientId.Response a = AllocateClientId.Response.decode(r.tlvs());
        assertEquals(service, a.forService());
        return a.clientId();
    }

    void release(int service, int cid) throws Exception {
        call(0, new ReleaseClientId.Request(service, cid)).checkResult();
    }

    static int error(QmiMessage response) throws Exception {
        QmiResult r = response.result().orElseThrow();
        assertEquals(1, r.status(), "expected a failure result");
        return r.errorCode();
    }

    @Override
    public void close() {
        port.close();
    }
}
