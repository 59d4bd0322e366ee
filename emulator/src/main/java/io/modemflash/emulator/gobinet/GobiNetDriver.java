package io.modemflash.emulator.gobinet;

import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.posix.Errno;
import io.modemflash.posix.PosixException;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiResult;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.ctl.GetVersionInfo;
import io.modemflash.qmi.ctl.ReleaseClientId;
import io.modemflash.qmi.gobinet.GobiNetIo;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the vendor GobiNet driver does with /dev/qcqmiN (PROTOCOLS.md 8.1), over the emulated
 * modem's QMI engine: each open file is a handle; ioctl 0x8BE1 (service by value) makes the
 * driver allocate a client id with CTL on the modem and binds it to the handle (service 0 is
 * EINVAL, a second call EBADR); a write is one SDU, sent with the QMUX header the driver adds;
 * a read gives one SDU without it (a buffer smaller than the message: EOVERFLOW, and the
 * message is lost); 0x8BE2 gives (vid << 16 | pid), 0x8BE3 the MEID, 0x8BF3 (Sierra) CTL Get
 * Version Info's list; closing releases the client id. As in the real driver, read blocks
 * whatever O_NONBLOCK says: reading an empty handle here is a programming error and fails
 * loudly, so a client that does not poll first is caught. Thread-safe.
 *
 * <p>It is also the {@link GobiNetIo} of an in-process test: the host's GobiNet transport runs
 * on it unchanged.
 */
public final class GobiNetDriver implements GobiNetIo {
    private final QmiEngine engine;
    private final int vidPid;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Map<Integer, Handle> handles = new HashMap<>();
    private int nextHandle = 1;
    private int ctlTid = 1;

    private static final class Handle {
        int service = -1;
        int clientId = -1;
        final Deque<byte[]> queue = new ArrayDeque<>();
        boolean closed;
    }

    public GobiNetDriver(QmiEngine engine, int vendorId, int productId) {
        this.engine = engine;
        this.vidPid = vendorId << 16 | productId;
    }

    @Override
    public int open(Path path) {
        lock.lock();
        try {
            int h = nextHandle++;
            handles.put(h, new Handle());
            return h;
        } finally {
            lock.unlock();
        }
    }

    private Handle handle(int h) throws PosixException {
        Handle x = handles.get(h);
        if (x == null || x.closed) {
            throw new PosixException("GobiNet", "handle " + h, Errno.EBADF);
        }
        return x;
    }

    @Override
    public int ioctl(int h, long request, long value) throws PosixException {
        lock.lock();
        try {
            Handle x = handle(h);
            if (request != IOCTL_QMI_GET_SERVICE_FILE) {
                throw new PosixException("ioctl 0x" + Long.toHexString(request), "qcqmi", Errno.EINVAL);
            }
            int service = (int) (value & 0xFF);
            if (service == QmiService.CTL) {
                throw new PosixException("ioctl 0x8be1 (CTL from user space)", "qcqmi", Errno.EINVAL);
            }
            if (x.clientId >= 0) {
                throw new PosixException("ioctl 0x8be1 (already bound)", "qcqmi", Errno.EBADR);
            }
            QmiMessage rsp = ctl(AllocateClientId.ID, new AllocateClientId.Request(service).toTlvs());
            try {
                rsp.checkResult();
                x.clientId = AllocateClientId.Response.decode(rsp.tlvs()).clientId();
            } catch (io.modemflash.qmi.QmiException e) {
                throw new PosixException("ioctl 0x8be1 (" + e.getMessage() + ")", "qcqmi", Errno.ENOMEM);
            }
            x.service = service;
            return 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int ioctl(int h, long request, byte[] buffer) throws PosixException {
        lock.lock();
        try {
            handle(h);
            if (request == IOCTL_QMI_GET_DEVICE_VIDPID) {
                for (int i = 0; i < 4 && i < buffer.length; i++) {
                    buffer[i] = (byte) (vidPid >>> (8 * i));
                }
                return 0;
            }
            if (request == IOCTL_QMI_GET_DEVICE_MEID) {
                byte[] meid = "00000000000000".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                System.arraycopy(meid, 0, buffer, 0, Math.min(14, buffer.length));
                return 0;
            }
            if (request == IOCTL_QMI_GET_SERVICE_VERSIONS) {
                QmiMessage rsp = ctl(GetVersionInfo.ID, List.of());
                byte[] v = rsp.tlvs().stream().filter(t -> t.type() == 0x01).findFirst().map(Tlv::value)
                        .orElse(new byte[] {0});
                Arrays.fill(buffer, (byte) 0);
                System.arraycopy(v, 0, buffer, 0, Math.min(v.length, buffer.length));
                return 0;
            }
            throw new PosixException("ioctl 0x" + Long.toHexString(request), "qcqmi", Errno.EINVAL);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean pollIn(int h, long timeoutMillis) throws PosixException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
            while (true) {
                Handle x = handle(h);
                if (!x.queue.isEmpty()) {
                    return true;
                }
                if (nanos <= 0) {
                    return false;
                }
                try {
                    nanos = readable.awaitNanos(nanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PosixException("poll", "qcqmi", Errno.EINTR);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read(int h, byte[] buf) throws PosixException {
        lock.lock();
        try {
            Handle x = handle(h);
            if (x.clientId < 0) {
                throw new PosixException("read (no service bound)", "qcqmi", Errno.EBADR);
            }
            byte[] sdu = x.queue.poll();
            if (sdu == null) {
                throw new IllegalStateException("read on an empty GobiNet fd blocks forever (the driver ignores "
                        + "O_NONBLOCK): poll first");
            }
            if (sdu.length > buf.length) {
                throw new PosixException("read", "qcqmi", Errno.EOVERFLOW); // and the message is gone
            }
            System.arraycopy(sdu, 0, buf, 0, sdu.length);
            return sdu.length;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(int h, byte[] sdu) throws PosixException {
        List<byte[]> out;
        lock.lock();
        try {
            Handle x = handle(h);
            if (x.clientId < 0) {
                throw new PosixException("write (no service bound)", "qcqmi", Errno.EBADR);
            }
            byte[] frame = new byte[QmiMessage.QMUX_HEADER_LENGTH + sdu.length];
            int len = frame.length - 1;
            frame[0] = QmiMessage.MARKER;
            frame[1] = (byte) len;
            frame[2] = (byte) (len >>> 8);
            frame[3] = 0;
            frame[4] = (byte) x.service;
            frame[5] = (byte) x.clientId;
            System.arraycopy(sdu, 0, frame, QmiMessage.QMUX_HEADER_LENGTH, sdu.length);
            out = engine.handleFrame(frame);
            for (byte[] f : out) {
                route(f);
            }
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** An answer or indication goes to the handle of its (service, client id); broadcasts to all of the service. */
    private void route(byte[] frame) {
        if (frame.length < QmiMessage.QMUX_HEADER_LENGTH || frame[0] != QmiMessage.MARKER) {
            return; // what a garbage fault adds: the driver's URB parser would drop it too
        }
        int service = frame[4] & 0xFF;
        int client = frame[5] & 0xFF;
        byte[] sdu = Arrays.copyOfRange(frame, QmiMessage.QMUX_HEADER_LENGTH, frame.length);
        for (Handle x : handles.values()) {
            if (!x.closed && x.service == service && (x.clientId == client || client == QmiMessage.BROADCAST_CLIENT)) {
                x.queue.add(sdu);
            }
        }
    }

    @Override
    public void close(int h) {
        lock.lock();
        try {
            Handle x = handles.remove(h);
            if (x == null || x.closed) {
                return;
            }
            x.closed = true;
            if (x.clientId >= 0) {
                ctl(ReleaseClientId.ID, new ReleaseClientId.Request(x.service, x.clientId).toTlvs());
            }
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Open handles (each an open file of the device node). */
    public int openHandles() {
        lock.lock();
        try {
            return handles.size();
        } finally {
            lock.unlock();
        }
    }

    /** A CTL request of the driver's own (it owns CTL) and its response. */
    private QmiMessage ctl(int messageId, List<Tlv> tlvs) {
        int tid = ctlTid;
        ctlTid = ctlTid == 0xFF ? 1 : ctlTid + 1;
        byte[] req = QmiMessage.request(QmiService.CTL, 0, tid, messageId, tlvs).encode();
        for (byte[] f : engine.handleFrame(req)) {
            try {
                QmiMessage m = QmiMessage.decode(f);
                if (m.service() == QmiService.CTL && m.transactionId() == tid) {
                    return m;
                }
            } catch (QmiFormatException e) {
                // a garbage fault's bytes
            }
        }
        return QmiMessage.response(QmiService.CTL, 0, tid, messageId,
                List.of(QmiResult.failure(io.modemflash.qmi.QmiProtocolError.INTERNAL).toTlv()));
    }
}
