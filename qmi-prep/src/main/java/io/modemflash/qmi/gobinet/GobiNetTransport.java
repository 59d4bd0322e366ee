package io.modemflash.qmi.gobinet;

import io.modemflash.posix.Errno;
import io.modemflash.posix.PosixException;
import io.modemflash.qmi.NotQmiPortException;
import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiProtocolError;
import io.modemflash.qmi.QmiResult;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.TlvWriter;
import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.ctl.GetVersionInfo;
import io.modemflash.qmi.ctl.ReleaseClientId;
import io.modemflash.qmi.ctl.Sync;
import io.modemflash.qmi.transport.CharDeviceTransport;
import io.modemflash.qmi.transport.QmiTransport;
import io.modemflash.qmi.transport.TransportClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * QMI through the vendor GobiNet driver's /dev/qcqmiN (PROTOCOLS.md 8.1), presented as QMUX
 * frames so that {@link io.modemflash.qmi.client.QmiDevice} runs on it unchanged. The driver
 * owns CTL: a client id is an open fd bound to a service by ioctl, so CTL requests are
 * answered here: Allocate Client Id opens an fd and binds it (the driver keeps the real id to
 * itself; the one handed out is local to this transport), Release closes it, Get Version Info
 * comes from the Sierra-only ioctl (an empty list elsewhere), Sync has nothing to drop (each
 * id lives and dies with its fd). Other frames lose their QMUX header and go to their
 * client's fd; what a client's fd reads gets the header back. Each client's fd has a reader
 * thread that polls before reading (the driver's read blocks regardless of O_NONBLOCK).
 */
public final class GobiNetTransport implements QmiTransport {
    private static final Logger LOG = LoggerFactory.getLogger(GobiNetTransport.class);
    /** The driver loses a message longer than the read buffer (EOVERFLOW); QMI messages stay far below this. */
    static final int READ_BUFFER = 4096;
    static final long POLL_SLICE_MILLIS = 200;
    private static final byte[] CLOSED = new byte[0];

    private record Client(int service, int clientId, int handle) {
    }

    private final GobiNetIo io;
    private final Path path;
    private final String name;
    private final int vidPid;
    private final Map<Long, Client> clients = new ConcurrentHashMap<>();
    private final BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
    private final int[] nextClientId = new int[256];
    private volatile boolean closed;
    private volatile IOException gone;

    private GobiNetTransport(GobiNetIo io, Path path, int vidPid) {
        this.io = io;
        this.path = path;
        this.name = path.toString();
        this.vidPid = vidPid;
    }

    /** Opens a /dev/qcqmiN of the real driver. */
    public static GobiNetTransport open(Path path) throws QmiException {
        CharDeviceTransport.checkCharDevice(path);
        return open(SystemGobiNetIo.INSTANCE, path);
    }

    /** Opens through the given system calls (tests: a fake driver). Proves the node is GobiNet by its VID:PID ioctl. */
    public static GobiNetTransport open(GobiNetIo io, Path path) throws QmiException {
        int h;
        try {
            h = io.open(path);
        } catch (PosixException e) {
            throw CharDeviceTransport.openFailure(path.toString(), e);
        }
        try {
            byte[] vp = new byte[4];
            io.ioctl(h, GobiNetIo.IOCTL_QMI_GET_DEVICE_VIDPID, vp);
            int vidPid = (vp[0] & 0xFF) | (vp[1] & 0xFF) << 8 | (vp[2] & 0xFF) << 16 | (vp[3] & 0xFF) << 24;
            return new GobiNetTransport(io, path, vidPid);
        } catch (PosixException e) {
            throw new NotQmiPortException(path + " is not a GobiNet QMI device (its VID:PID ioctl failed: "
                    + Errno.describe(e.errno()) + ")", e);
        } finally {
            io.close(h);
        }
    }

    /** The USB id the driver reports, "1199:9071". */
    public String vidPid() {
        return String.format("%04x:%04x", vidPid >>> 16, vidPid & 0xFFFF);
    }

    @Override
    public void send(byte[] frame) throws IOException {
        if (closed) {
            throw new TransportClosedException(name + " is closed");
        }
        if (gone != null) {
            throw gone;
        }
        QmiMessage m;
        try {
            m = QmiMessage.decode(frame);
        } catch (QmiFormatException e) {
            throw new IOException("not a QMUX frame for " + name + ": " + e.getMessage(), e);
        }
        if (m.service() == QmiService.CTL) {
            inbox.add(control(m).encode());
            return;
        }
        Client c = clients.get(key(m.service(), m.clientId()));
        if (c == null) {
            inbox.add(m.respond(QmiResult.failure(QmiProtocolError.INVALID_CLIENT_ID), List.of()).encode());
            return;
        }
        try {
            io.write(c.handle(), Arrays.copyOfRange(frame, QmiMessage.QMUX_HEADER_LENGTH, frame.length));
        } catch (PosixException e) {
            throw lost("write to", e);
        }
    }

    /** CTL, answered by this transport from the driver's ioctls. */
    private QmiMessage control(QmiMessage m) {
        try {
            switch (m.messageId()) {
                case AllocateClientId.ID -> {
                    int service = AllocateClientId.Request.decode(m.tlvs()).forService();
                    Client c = allocate(service);
                    return m.respond(QmiResult.SUCCESS, new AllocateClientId.Response(service, c.clientId()).toTlvs());
                }
                case ReleaseClientId.ID -> {
                    ReleaseClientId.Request r = ReleaseClientId.Request.decode(m.tlvs());
                    Client c = clients.remove(key(r.forService(), r.clientId()));
                    if (c == null) {
                        return m.respond(QmiResult.failure(QmiProtocolError.INVALID_CLIENT_ID), List.of());
                    }
                    io.close(c.handle());
                    return m.respond(QmiResult.SUCCESS, new ReleaseClientId.Response(c.service(), c.clientId()).toTlvs());
                }
                case GetVersionInfo.ID -> {
                    return m.respond(QmiResult.SUCCESS, List.of(versions()));
                }
                case Sync.ID -> {
                    return m.respond(QmiResult.SUCCESS, List.of());
                }
                default -> {
                    return m.respond(QmiResult.failure(QmiProtocolError.INVALID_QMI_COMMAND), List.of());
                }
            }
        } catch (QmiFormatException e) {
            return m.respond(QmiResult.failure(QmiProtocolError.MALFORMED_MESSAGE), List.of());
        } catch (PosixException e) {
            LOG.debug("{}: CTL 0x{} through the driver: {}", name, Integer.toHexString(m.messageId()), e.getMessage());
            return m.respond(QmiResult.failure(switch (e.errno()) {
                case Errno.EINVAL, Errno.EBADR -> QmiProtocolError.INVALID_ARGUMENT;
                case Errno.ENOMEM -> QmiProtocolError.CLIENT_IDS_EXHAUSTED;
                default -> QmiProtocolError.INTERNAL;
            }), List.of());
        }
    }

    /** A new fd bound to the service (ioctl 0x8BE1), with its reader. */
    private synchronized Client allocate(int service) throws PosixException {
        int h = io.open(path);
        try {
            io.ioctl(h, GobiNetIo.IOCTL_QMI_GET_SERVICE_FILE, service);
        } catch (PosixException e) {
            io.close(h);
            throw e;
        }
        int cid = 0;
        for (int i = 0; i < 254 && cid == 0; i++) {
            int candidate = nextClientId[service] % 254 + 1;
            nextClientId[service] = candidate;
            if (!clients.containsKey(key(service, candidate))) {
                cid = candidate;
            }
        }
        if (cid == 0) {
            io.close(h);
            throw new PosixException("allocate", "client of service " + service, Errno.ENOMEM);
        }
        Client c = new Client(service, cid, h);
        clients.put(key(service, cid), c);
        Thread t = new Thread(() -> readLoop(c), "gobinet-reader " + name + " " + QmiService.name(service) + " " + cid);
        t.setDaemon(true);
        t.start();
        return c;
    }

    /** Sierra drivers give CTL Get Version Info's list by ioctl (on any open fd); others give nothing to learn it from. */
    private Tlv versions() throws PosixException {
        int h = io.open(path);
        try {
            byte[] buf = new byte[512];
            io.ioctl(h, GobiNetIo.IOCTL_QMI_GET_SERVICE_VERSIONS, buf);
            int n = buf[0] & 0xFF;
            return new Tlv(0x01, Arrays.copyOf(buf, Math.min(buf.length, 1 + 5 * n)));
        } catch (PosixException e) {
            if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOTTY) {
                throw e;
            }
            return new TlvWriter(0x01).u8(0).build();
        } finally {
            io.close(h);
        }
    }

    private void readLoop(Client c) {
        byte[] buf = new byte[READ_BUFFER];
        try {
            while (!closed && clients.get(key(c.service(), c.clientId())) == c) {
                if (!io.pollIn(c.handle(), POLL_SLICE_MILLIS)) {
                    continue;
                }
                int n;
                try {
                    n = io.read(c.handle(), buf);
                } catch (PosixException e) {
                    if (e.errno() == Errno.EOVERFLOW) {
                        LOG.warn("{}: the driver dropped a {} message longer than {} bytes (EOVERFLOW)", name,
                                QmiService.name(c.service()), buf.length);
                        continue;
                    }
                    throw e;
                }
                if (n <= 0) {
                    continue;
                }
                try {
                    inbox.add(QmiMessage.decodeSdu(c.service(), c.clientId(), true, Arrays.copyOf(buf, n)).encode());
                } catch (QmiFormatException e) {
                    LOG.warn("{}: dropped a malformed {} message: {}", name, QmiService.name(c.service()),
                            e.getMessage());
                }
            }
        } catch (PosixException e) {
            if (!closed && clients.get(key(c.service(), c.clientId())) == c) {
                gone = lost("read from", e);
                inbox.add(CLOSED);
            }
        }
    }

    private IOException lost(String what, PosixException e) {
        return e.errno() == Errno.ENODEV || e.errno() == Errno.EIO || e.errno() == Errno.ESHUTDOWN
                ? new TransportClosedException("cannot " + what + " " + name + ": " + e.getMessage() + " (unplugged?)", e)
                : new IOException("cannot " + what + " " + name + ": " + e.getMessage(), e);
    }

    @Override
    public byte[] receive(long timeoutMillis) throws IOException {
        if (closed) {
            throw new TransportClosedException(name + " is closed");
        }
        byte[] f;
        try {
            f = timeoutMillis < 0 ? inbox.take() : inbox.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportClosedException(name + ": interrupted");
        }
        if (f == CLOSED) {
            inbox.add(CLOSED);
            if (gone != null && !closed) {
                throw gone;
            }
            throw new TransportClosedException(name + " is closed");
        }
        return f;
    }

    @Override
    public String name() {
        return name;
    }

    /** Client fds open now (each holds a client id in the driver). */
    public int openClients() {
        return clients.size();
    }

    /** Closes every client's fd (the driver releases their ids). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Client c : clients.values()) {
            io.close(c.handle());
        }
        clients.clear();
        inbox.add(CLOSED);
    }

    private static long key(int service, int clientId) {
        return (long) service << 8 | clientId;
    }
}
