package io.modemflash.qmi.client;

import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiResult;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.ctl.ReleaseClientId;
import io.modemflash.qmi.ctl.Sync;
import io.modemflash.qmi.transport.InMemoryTransport;
import io.modemflash.qmi.transport.TransportClosedException;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * The modem end of an in-memory pair: answers CTL Sync/Allocate/Release itself (tracking which
 * client ids are allocated) and hands every other request to a script, which returns the raw
 * frames to send back (none = stay silent).
 */
final class ScriptedModem implements AutoCloseable {
    final InMemoryTransport host;
    final InMemoryTransport modem;
    final Set<Integer> allocated = ConcurrentHashMap.newKeySet();
    final BlockingQueue<QmiMessage> received = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> released = new LinkedBlockingQueue<>();
    volatile Function<QmiMessage, List<byte[]>> script = m -> List.of();
    volatile Function<QmiMessage, List<byte[]>> ctlScript = null;
    volatile boolean answerSync = true;
    private int nextCid = 1;
    private final Thread thread;
    final Map<Integer, Integer> syncs = new ConcurrentHashMap<>();

    ScriptedModem() {
        InMemoryTransport[] pair = InMemoryTransport.pair();
        host = pair[0];
        modem = pair[1];
        thread = new Thread(this::loop, "scripted-modem");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (true) {
                QmiMessage m = QmiMessage.decode(modem.receive(-1));
                received.add(m);
                List<byte[]> out = m.service() == QmiService.CTL ? ctl(m) : script.apply(m);
                for (byte[] f : out) {
                    modem.send(f);
                }
            }
        } catch (TransportClosedException e) {
            // done
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<byte[]> ctl(QmiMessage m) throws Exception {
        if (ctlScript != null) {
            List<byte[]> r = ctlScript.apply(m);
            if (r != null) {
                return r;
            }
        }
        switch (m.messageId()) {
            case Sync.ID -> {
                syncs.merge(0, 1, Integer::sum);
                if (!answerSync) {
                    return List.of();
                }
                allocated.clear();
                return List.of(m.respond(QmiResult.SUCCESS, List.of()).encode());
            }
            case AllocateClientId.ID -> {
                int service = AllocateClientId.Request.decode(m.tlvs()).forService();
                int cid = allocate();
                return List.of(m.respond(QmiResult.SUCCESS, new AllocateClientId.Response(service, cid).toTlvs()).encode());
            }
            case ReleaseClientId.ID -> {
                ReleaseClientId.Request r = ReleaseClientId.Request.decode(m.tlvs());
                allocated.remove(r.clientId());
                released.add(r.clientId());
                return List.of(m.respond(QmiResult.SUCCESS,
                        new ReleaseClientId.Response(r.forService(), r.clientId()).toTlvs()).encode());
            }
            default -> {
                return List.of();
            }
        }
    }

    synchronized int allocate() {
        int cid = nextCid++;
        allocated.add(cid);
        return cid;
    }

    static byte[] ok(QmiMessage req, io.modemflash.qmi.QmiPayload payload) {
        return req.respond(QmiResult.SUCCESS, payload.toTlvs()).encode();
    }

    @Override
    public void close() {
        modem.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void quietly(IOException e) {
    }
}
