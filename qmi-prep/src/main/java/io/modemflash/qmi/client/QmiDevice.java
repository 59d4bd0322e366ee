package io.modemflash.qmi.client;

import io.modemflash.qmi.DeviceGoneException;
import io.modemflash.qmi.Hex;
import io.modemflash.qmi.MessageKind;
import io.modemflash.qmi.NotQmiPortException;
import io.modemflash.qmi.QmiErrorResponseException;
import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiMessageNames;
import io.modemflash.qmi.QmiPayload;
import io.modemflash.qmi.QmiRequest;
import io.modemflash.qmi.QmiResult;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.QmiTimeoutException;
import io.modemflash.qmi.QmiUnexpectedResponseException;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.ctl.GetVersionInfo;
import io.modemflash.qmi.ctl.ReleaseClientId;
import io.modemflash.qmi.ctl.Sync;
import io.modemflash.qmi.transport.NotQmuxException;
import io.modemflash.qmi.transport.QmiTransport;
import io.modemflash.qmi.transport.TransportClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * An open QMI control port. Matches responses to requests by (service, client id, transaction
 * id), applies per-request timeouts, hands indications to listeners, and owns every client id
 * it allocates: {@link #close()}, a lost port and a JVM shutdown hook (Ctrl-C) all release
 * them, because a leaked id is only freed by a Sync and modems have a small pool.
 *
 * <p>Thread-safe: requests may be issued from several threads; one reader thread per device.
 */
public final class QmiDevice implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QmiDevice.class);

    private record Key(int service, int clientId, int tid) {
    }

    private record Pending(int service, int clientId, int tid, int messageId, CompletableFuture<QmiMessage> future) {
    }

    private final QmiTransport transport;
    private final QmiDeviceOptions options;
    private final Map<Key, Pending> pending = new ConcurrentHashMap<>();
    private final List<IndicationListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<QmiClient> clients = ConcurrentHashMap.newKeySet();
    /** CTL tids of Allocate requests that timed out: a late success must be released, not leaked. */
    private final Set<Integer> abandonedAllocates = ConcurrentHashMap.newKeySet();
    private final Thread reader;
    private final Thread shutdownHook;
    private final Object tidLock = new Object();
    private int nextCtlTid = 1;
    private int nextTid = 1;
    private volatile boolean closing;
    private volatile boolean closed;
    private volatile QmiException gone;
    private volatile Consumer<String> trace;

    private QmiDevice(QmiTransport transport, QmiDeviceOptions options) {
        this.transport = transport;
        this.options = options;
        this.reader = new Thread(this::readLoop, "qmi-reader " + transport.name());
        reader.setDaemon(true);
        this.shutdownHook = options.shutdownHook() ? new Thread(this::closeFromHook, "qmi-release " + transport.name())
                : null;
    }

    /**
     * Takes ownership of an open transport and proves it speaks QMI with CTL Sync (which also
     * drops client ids leaked by earlier runs). The transport is closed if that fails.
     */
    public static QmiDevice open(QmiTransport transport, QmiDeviceOptions options) throws QmiException {
        return open(transport, options, null);
    }

    /** As {@link #open(QmiTransport, QmiDeviceOptions)}, tracing from the first frame (the probe included). */
    public static QmiDevice open(QmiTransport transport, QmiDeviceOptions options, Consumer<String> trace)
            throws QmiException {
        QmiDevice d = new QmiDevice(transport, options);
        d.trace = trace;
        d.reader.start();
        if (d.shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(d.shutdownHook);
        }
        try {
            if (options.syncOnOpen()) {
                d.sync();
            } else {
                d.probeVersionInfo();
            }
            return d;
        } catch (QmiException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    public static QmiDevice open(QmiTransport transport) throws QmiException {
        return open(transport, QmiDeviceOptions.defaults());
    }

    /**
     * Opens a /dev path directly, or through qmi-proxy / mbim-proxy when {@code proxy} (needed
     * while ModemManager runs); QMUX, MBIM or GobiNet as {@link QmiPorts} finds.
     */
    public static QmiDevice open(Path path, boolean proxy, QmiDeviceOptions options) throws QmiException {
        return open(path, proxy, options, null);
    }

    /** As {@link #open(Path, boolean, QmiDeviceOptions)}, with "> hex" / "< hex" trace lines (null: none). */
    public static QmiDevice open(Path path, boolean proxy, QmiDeviceOptions options, Consumer<String> trace)
            throws QmiException {
        return open(QmiPorts.open(path, proxy), options, trace);
    }

    public String name() {
        return transport.name();
    }

    public QmiDeviceOptions options() {
        return options;
    }

    /** Receives "> hex" / "< hex" lines for every frame sent and received (for -v traces). */
    public void setTrace(Consumer<String> sink) {
        this.trace = sink;
    }

    public void addIndicationListener(IndicationListener l) {
        listeners.add(l);
    }

    public void removeIndicationListener(IndicationListener l) {
        listeners.remove(l);
    }

    // ---------------------------------------------------------------- CTL

    /** CTL Sync, retried on timeout; no answer at all means this is not a QMI port. */
    public void sync() throws QmiException {
        Sync.Request req = new Sync.Request();
        for (int attempt = 1; attempt <= options.syncAttempts(); attempt++) {
            try {
                request(QmiService.CTL, 0, req, options.syncTimeout());
                return;
            } catch (QmiTimeoutException e) {
                LOG.debug("{}: no answer to CTL Sync (attempt {}/{})", name(), attempt, options.syncAttempts());
            }
        }
        throw new NotQmiPortException("no answer to QMI CTL Sync from " + name() + " after "
                + options.syncAttempts() + " attempts: not a QMI control port (an AT or DIAG tty?), or the modem"
                + " is not ready yet");
    }

    /**
     * Proves the port speaks QMI without disturbing other clients: CTL Get Version Info, retried on
     * timeout like {@link #sync()}. Returns the services and versions the modem reports.
     */
    public List<GetVersionInfo.ServiceVersion> probeVersionInfo() throws QmiException {
        GetVersionInfo.Request req = new GetVersionInfo.Request();
        for (int attempt = 1; attempt <= options.syncAttempts(); attempt++) {
            try {
                return request(QmiService.CTL, 0, req, options.syncTimeout()).services();
            } catch (QmiTimeoutException e) {
                LOG.debug("{}: no answer to CTL Get Version Info (attempt {}/{})", name(), attempt,
                        options.syncAttempts());
            }
        }
        throw new NotQmiPortException("no answer to QMI CTL Get Version Info from " + name() + " after "
                + options.syncAttempts() + " attempts: not a QMI control port (an AT or DIAG tty?), or the modem"
                + " is not ready yet");
    }

    /** Allocates a client id for a service (CTL Allocate Client Id, retried on timeout). */
    public QmiClient allocateClient(int service) throws QmiException {
        AllocateClientId.Request req = new AllocateClientId.Request(service);
        for (int attempt = 1; attempt <= options.allocateAttempts(); attempt++) {
            AllocateClientId.Response r;
            try {
                r = request(QmiService.CTL, 0, req, options.allocateTimeout());
            } catch (QmiTimeoutException e) {
                LOG.debug("{}: {} (attempt {}/{})", name(), e.getMessage(), attempt, options.allocateAttempts());
                continue;
            }
            if (r.forService() != service) {
                // We own whatever it allocated: give it back before failing.
                releaseQuietly(r.forService(), r.clientId());
                throw new QmiUnexpectedResponseException("CTL Allocate Client ID for " + QmiService.name(service)
                        + " answered with a client of service " + QmiService.name(r.forService()));
            }
            QmiClient c = new QmiClient(this, service, r.clientId());
            clients.add(c);
            if (closing) {
                releaseClient(c);
                throw new QmiException("device " + name() + " was closed during client allocation");
            }
            return c;
        }
        throw new QmiTimeoutException("no answer to CTL Allocate Client ID for " + QmiService.name(service) + " from "
                + name() + " after " + options.allocateAttempts() + " attempts of "
                + options.allocateTimeout().toSeconds() + " s");
    }

    /** A typed DMS client on a freshly allocated client id. Close it (or the device) to release the id. */
    public DmsClient dms() throws QmiException {
        return new DmsClient(allocateClient(QmiService.DMS));
    }

    /** Client ids currently held (not released, not kept). */
    public List<QmiClient> clients() {
        return new ArrayList<>(clients);
    }

    void releaseClient(QmiClient c) throws QmiException {
        if (!clients.remove(c)) {
            return;
        }
        if (gone != null || closed) {
            throw new DeviceGoneException("cannot release " + QmiService.name(c.service()) + " client " + c.clientId()
                    + ": " + name() + " is gone", gone);
        }
        ReleaseClientId.Response r = request(QmiService.CTL, 0,
                new ReleaseClientId.Request(c.service(), c.clientId()), options.releaseTimeout());
        if (r.forService() != c.service() || r.clientId() != c.clientId()) {
            LOG.warn("{}: Release Client ID for {} {} answered for {} {}", name(), QmiService.name(c.service()),
                    c.clientId(), QmiService.name(r.forService()), r.clientId());
        }
    }

    void forget(QmiClient c) {
        clients.remove(c);
    }

    private void releaseQuietly(int service, int clientId) {
        try {
            request(QmiService.CTL, 0, new ReleaseClientId.Request(service, clientId), options.releaseTimeout());
        } catch (QmiException e) {
            LOG.warn("{}: could not release {} client {}: {}", name(), QmiService.name(service), clientId,
                    e.getMessage());
        }
    }

    // ---------------------------------------------------------------- requests

    /** Sends a typed request and returns its typed response; a failure result throws {@link QmiErrorResponseException}. */
    public <R extends QmiPayload> R request(int clientId, QmiRequest<R> req, Duration timeout) throws QmiException {
        return request(req.service(), clientId, req, timeout);
    }

    private <R extends QmiPayload> R request(int service, int clientId, QmiRequest<R> req, Duration timeout)
            throws QmiException {
        QmiMessage rsp = exchange(service, clientId, req.messageId(), req.toTlvs(), timeout);
        rsp.checkResult();
        return req.decodeResponse(rsp.tlvs());
    }

    /**
     * Sends one request (a transaction id is assigned) and waits for the matching response.
     * Does not check the result TLV: callers that want raw access use this.
     */
    public QmiMessage exchange(int service, int clientId, int messageId, List<Tlv> tlvs, Duration timeout)
            throws QmiException {
        checkUsable();
        Pending p = register(service, clientId, messageId);
        Key key = new Key(service, clientId, p.tid());
        String what = QmiMessageNames.messageName(service, messageId);
        try {
            QmiMessage req = QmiMessage.request(service, clientId, p.tid(), messageId, tlvs);
            send(req.encode());
            return p.future().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (service == QmiService.CTL && messageId == AllocateClientId.ID) {
                abandonedAllocates.add(p.tid());
            }
            throw new QmiTimeoutException("no answer to " + what + " from " + name() + " within "
                    + describe(timeout) + " (tid " + p.tid() + ")");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof QmiException q) {
                throw q;
            }
            throw new QmiException(what + " failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmiException("interrupted while waiting for " + what, e);
        } catch (TransportClosedException e) {
            throw goneException(e);
        } catch (IOException e) {
            throw new DeviceGoneException("cannot send " + what + " to " + name() + ": " + e.getMessage(), e);
        } finally {
            pending.remove(key, p);
        }
    }

    private static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private Pending register(int service, int clientId, int messageId) {
        synchronized (tidLock) {
            while (true) {
                int tid;
                if (service == QmiService.CTL) {
                    tid = nextCtlTid;
                    nextCtlTid = nextCtlTid == 0xFF ? 1 : nextCtlTid + 1;
                } else {
                    // One counter for all services, so (client, tid) is unique across services too:
                    // that is what lets a response from the wrong service be recognised.
                    tid = nextTid;
                    nextTid = nextTid == 0xFFFF ? 1 : nextTid + 1;
                }
                Key key = new Key(service, clientId, tid);
                if (!pending.containsKey(key)) {
                    Pending p = new Pending(service, clientId, tid, messageId, new CompletableFuture<>());
                    pending.put(key, p);
                    return p;
                }
            }
        }
    }

    private void send(byte[] frame) throws IOException {
        Consumer<String> t = trace;
        if (t != null) {
            t.accept("> " + Hex.spaced(frame));
        }
        transport.send(frame);
    }

    private void checkUsable() throws QmiException {
        if (gone != null) {
            throw gone;
        }
        if (closed) {
            throw new QmiException("QMI device " + name() + " is closed");
        }
    }

    // ---------------------------------------------------------------- reader

    private void readLoop() {
        try {
            while (true) {
                byte[] frame = transport.receive(-1);
                if (frame == null) {
                    continue;
                }
                Consumer<String> t = trace;
                if (t != null) {
                    t.accept("< " + Hex.spaced(frame));
                }
                dispatch(frame);
            }
        } catch (IOException e) {
            if (!closing) {
                // a port that never spoke QMUX is the wrong port, not a lost one
                QmiException g = e instanceof NotQmuxException n ? new NotQmiPortException(n.getMessage(), n)
                        : goneException(e);
                gone = g;
                LOG.debug("{}: reader stopped: {}", name(), e.getMessage());
                failAll(g);
            }
        } catch (RuntimeException e) {
            LOG.error("{}: QMI reader crashed", name(), e);
            gone = new DeviceGoneException("QMI reader for " + name() + " failed: " + e, e);
            failAll(gone);
        }
    }

    private DeviceGoneException goneException(IOException e) {
        return new DeviceGoneException("lost the QMI port " + name() + ": " + e.getMessage(), e);
    }

    private void failAll(QmiException e) {
        for (Pending p : pending.values()) {
            p.future().completeExceptionally(e);
        }
    }

    private void dispatch(byte[] frame) {
        QmiMessage m;
        try {
            m = QmiMessage.decode(frame);
        } catch (QmiFormatException e) {
            malformed(frame, e);
            return;
        }
        if (!m.fromModem()) {
            LOG.warn("{}: ignoring host-to-modem frame: {}", name(), m.summary());
            return;
        }
        if (m.kind() == MessageKind.INDICATION) {
            for (IndicationListener l : listeners) {
                try {
                    l.onIndication(m);
                } catch (RuntimeException e) {
                    LOG.warn("{}: indication listener failed on {}", name(), m.summary(), e);
                }
            }
            return;
        }
        if (m.kind() != MessageKind.RESPONSE) {
            LOG.warn("{}: ignoring request from the modem: {}", name(), m.summary());
            return;
        }
        Pending p = pending.get(new Key(m.service(), m.clientId(), m.transactionId()));
        if (p != null) {
            if (p.messageId() != m.messageId()) {
                p.future().completeExceptionally(new QmiUnexpectedResponseException("expected a response to "
                        + QmiMessageNames.messageName(p.service(), p.messageId()) + ", got "
                        + QmiMessageNames.messageName(m.service(), m.messageId()) + " (tid " + m.transactionId() + ")"));
            } else {
                p.future().complete(m);
            }
            return;
        }
        if (m.service() != QmiService.CTL) {
            for (Pending q : pending.values()) {
                if (q.service() != QmiService.CTL && q.clientId() == m.clientId() && q.tid() == m.transactionId()) {
                    q.future().completeExceptionally(new QmiUnexpectedResponseException("response to "
                            + QmiMessageNames.messageName(q.service(), q.messageId()) + " (tid " + q.tid()
                            + ") came from service " + QmiService.name(m.service())));
                    return;
                }
            }
        }
        if (m.service() == QmiService.CTL && m.messageId() == AllocateClientId.ID
                && abandonedAllocates.remove(m.transactionId())) {
            releaseLateAllocation(m);
            return;
        }
        LOG.debug("{}: unmatched response (late or for another client): {}", name(), m.summary());
    }

    private void releaseLateAllocation(QmiMessage m) {
        try {
            if (m.result().map(QmiResult::isSuccess).orElse(false)) {
                AllocateClientId.Response r = AllocateClientId.Response.decode(m.tlvs());
                LOG.info("{}: releasing {} client {} allocated after its request timed out", name(),
                        QmiService.name(r.forService()), r.clientId());
                Thread t = new Thread(() -> releaseQuietly(r.forService(), r.clientId()), "qmi-release-late");
                t.setDaemon(true);
                t.start();
            }
        } catch (QmiFormatException e) {
            LOG.warn("{}: malformed late Allocate Client ID response: {}", name(), e.getMessage());
        }
    }

    /** A frame that does not decode: fail the request it answers when its header says which. */
    private void malformed(byte[] f, QmiFormatException e) {
        if (f.length >= 8 && (f[0] & 0xFF) == QmiMessage.MARKER) {
            int service = f[4] & 0xFF;
            int client = f[5] & 0xFF;
            int tid = -1;
            if (service == QmiService.CTL) {
                tid = f[7] & 0xFF;
            } else if (f.length >= 9) {
                tid = (f[7] & 0xFF) | (f[8] & 0xFF) << 8;
            }
            Pending p = tid < 0 ? null : pending.get(new Key(service, client, tid));
            if (p != null) {
                p.future().completeExceptionally(new QmiFormatException("malformed response to "
                        + QmiMessageNames.messageName(p.service(), p.messageId()) + ": " + e.getMessage()));
                return;
            }
        }
        LOG.warn("{}: dropping malformed frame ({}): {}", name(), e.getMessage(), Hex.spaced(f));
    }

    // ---------------------------------------------------------------- close

    /**
     * Releases every client id still held (except kept ones), then closes the transport.
     * Idempotent; never throws (failures to release are logged).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closing = true;
            for (QmiClient c : clients()) {
                if (gone != null) {
                    break;
                }
                try {
                    releaseClient(c);
                } catch (QmiException e) {
                    LOG.warn("{}: could not release {} client {}: {}", name(), QmiService.name(c.service()),
                            c.clientId(), e.getMessage());
                }
            }
            clients.clear();
            closed = true;
            transport.close();
            failAll(new QmiException("QMI device " + name() + " was closed"));
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // JVM already shutting down: the hook runs (and finds us closed)
            }
        }
    }

    private void closeFromHook() {
        if (!closed) {
            LOG.info("{}: shutting down, releasing QMI client ids", name());
            close();
        }
    }

    public boolean isClosed() {
        return closed;
    }
}
