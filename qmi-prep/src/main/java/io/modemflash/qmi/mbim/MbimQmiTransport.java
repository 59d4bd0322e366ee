package io.modemflash.qmi.mbim;

import com.sun.jna.Memory;
import io.modemflash.posix.Errno;
import io.modemflash.posix.Ioctl;
import io.modemflash.posix.PosixException;
import io.modemflash.posix.PosixFd;
import io.modemflash.qmi.DeviceNotFoundException;
import io.modemflash.qmi.NotQmiPortException;
import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.QmiTimeoutException;
import io.modemflash.qmi.transport.CharDeviceTransport;
import io.modemflash.qmi.transport.ProxyProgram;
import io.modemflash.qmi.transport.QmiTransport;
import io.modemflash.qmi.transport.TransportClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * QMI tunnelled through MBIM (PROTOCOLS.md 8.2), as libqmi's --device-open-mbim does it: the
 * MBIM function is opened (OPEN with our largest control message), QMI indications are
 * subscribed to (Basic Connect device service subscribe list naming QMI CID 1), and every
 * QMUX frame travels as a COMMAND set of the QMI service, CID 1; its answer is the COMMAND_DONE
 * buffer, indications come as INDICATE_STATUS. Directly on a cdc_mbim /dev/cdc-wdmN, or
 * through libmbim's mbim-proxy (which lets ModemManager share the port): then the first
 * message is the proxy's configuration naming the device. Closing sends MBIM CLOSE.
 */
public final class MbimQmiTransport implements QmiTransport {
    private static final Logger LOG = LoggerFactory.getLogger(MbimQmiTransport.class);

    /** IOCTL_WDM_MAX_COMMAND (_IOR('H', 0xA0, u16)): cdc-wdm's largest control message. */
    static final long IOCTL_WDM_MAX_COMMAND = 0x800248A0L;
    public static final int DEFAULT_MAX_CONTROL_TRANSFER = 4096;
    static final long OPEN_TIMEOUT_MILLIS = 5_000;
    static final int OPEN_ATTEMPTS = 3;
    static final long SUBSCRIBE_TIMEOUT_MILLIS = 5_000;
    static final long CLOSE_TIMEOUT_MILLIS = 1_000;
    public static final String PROXY_SOCKET = "mbim-proxy";
    static final int PROXY_CONFIGURATION_CID = 1;
    static final int DEVICE_SERVICE_SUBSCRIBE_LIST_CID = 19;
    static final int QMI_MSG_CID = 1;
    static final long PROXY_TIMEOUT_SECONDS = 30;

    private final MbimChannel channel;
    private final String name;
    private final int maxControlTransfer;
    private final AtomicInteger nextTid = new AtomicInteger(1);
    private final ReentrantLock readLock = new ReentrantLock();
    private final CountDownLatch closeDone = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile boolean closed;

    private MbimQmiTransport(MbimChannel channel, String name, int maxControlTransfer) {
        this.channel = channel;
        this.name = name;
        this.maxControlTransfer = maxControlTransfer;
    }

    /** Opens a cdc_mbim port directly. */
    public static MbimQmiTransport open(Path path) throws QmiException {
        PosixFd fd = CharDeviceTransport.openPort(path);
        return openOn(fd, path.toString(), maxControlTransfer(fd, path), OPEN_TIMEOUT_MILLIS, OPEN_ATTEMPTS);
    }

    /** As {@link #open(Path)}, sending at most maxControlTransfer bytes per message (for tests of fragmentation). */
    public static MbimQmiTransport open(Path path, int maxControlTransfer) throws QmiException {
        PosixFd fd = CharDeviceTransport.openPort(path);
        return openOn(fd, path.toString(), maxControlTransfer, OPEN_TIMEOUT_MILLIS, OPEN_ATTEMPTS);
    }

    /** What a probe found: an open MBIM transport, or the bytes the port sent instead (for a QMUX reader). */
    public record Probe(Optional<MbimQmiTransport> transport, byte[] otherBytes) {
    }

    /**
     * Tries MBIM on a port of unknown kind: one OPEN, waiting at most timeoutMillis for
     * OPEN_DONE (less when the port answers something that is not MBIM). The fd stays open
     * either way; when it is not MBIM, what was read from it is handed back.
     */
    public static Probe probe(PosixFd fd, String name, long timeoutMillis) throws QmiException {
        MbimChannel ch = new MbimChannel(fd, name, DEFAULT_MAX_CONTROL_TRANSFER);
        ch.record();
        MbimQmiTransport t = new MbimQmiTransport(ch, name, DEFAULT_MAX_CONTROL_TRANSFER);
        try {
            if (!t.openFunction(timeoutMillis, 1, true)) {
                return new Probe(Optional.empty(), ch.recorded());
            }
            t.subscribeQmiIndications();
            return new Probe(Optional.of(t), new byte[0]);
        } catch (IOException e) {
            return new Probe(Optional.empty(), ch.recorded());
        }
    }

    /** Through mbim-proxy (started when nobody listens), which opens the device and shares it. */
    public static MbimQmiTransport openViaProxy(Path path) throws QmiException {
        return openViaProxy(path, PROXY_SOCKET, true);
    }

    static MbimQmiTransport openViaProxy(Path path, String socketName, boolean spawn) throws QmiException {
        CharDeviceTransport.checkCharDevice(path);
        PosixFd fd = connectProxy(socketName, spawn);
        String name = "mbim-proxy for " + path;
        MbimChannel ch = new MbimChannel(fd, name, DEFAULT_MAX_CONTROL_TRANSFER);
        MbimQmiTransport t = new MbimQmiTransport(ch, name, DEFAULT_MAX_CONTROL_TRANSFER);
        try {
            MbimMessage.CommandDone done = t.command(new MbimMessage.Command(t.tid(), MbimUuid.PROXY_CONTROL,
                    PROXY_CONFIGURATION_CID, MbimMessage.SET, new MbimInformation.Writer().string(path.toString())
                    .u32(PROXY_TIMEOUT_SECONDS).build()), PROXY_TIMEOUT_SECONDS * 1000 + 5000);
            if (done.status() != MbimStatus.SUCCESS) {
                throw new DeviceNotFoundException("mbim-proxy could not open " + path + ": "
                        + MbimStatus.name(done.status()));
            }
            t.finishOpen(OPEN_TIMEOUT_MILLIS, OPEN_ATTEMPTS);
            return t;
        } catch (QmiException | RuntimeException e) {
            t.close();
            throw e;
        } catch (IOException e) {
            t.close();
            throw new DeviceNotFoundException("mbim-proxy closed the connection while opening " + path
                    + " (is it an MBIM port?)", e);
        }
    }

    private static MbimQmiTransport openOn(PosixFd fd, String name, int maxControlTransfer, long timeoutMillis,
                                           int attempts) throws QmiException {
        MbimQmiTransport t = new MbimQmiTransport(new MbimChannel(fd, name, maxControlTransfer), name,
                maxControlTransfer);
        try {
            t.finishOpen(timeoutMillis, attempts);
            return t;
        } catch (QmiException | RuntimeException e) {
            t.close();
            throw e;
        } catch (IOException e) {
            t.close();
            throw new QmiException("lost " + name + " while opening MBIM: " + e.getMessage(), e);
        }
    }

    private void finishOpen(long timeoutMillis, int attempts) throws IOException, QmiException {
        if (!openFunction(timeoutMillis, attempts, false)) {
            throw new NotQmiPortException("no answer to MBIM OPEN from " + name + " after " + attempts + " attempts of "
                    + timeoutMillis / 1000 + " s: not an MBIM port, or the modem is not ready yet");
        }
        subscribeQmiIndications();
    }

    /**
     * OPEN, retried on timeout; a function that refuses (it thinks it is open already) is
     * closed and opened again once. False when nothing answered.
     */
    private boolean openFunction(long timeoutMillis, int attempts, boolean probing) throws IOException, QmiException {
        boolean closedFirst = false;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            int tid = tid();
            channel.send(new MbimMessage.Open(tid, maxControlTransfer), maxControlTransfer);
            MbimMessage reply = await(tid, MbimMessage.OpenDone.class, timeoutMillis, probing);
            if (reply == null) {
                continue;
            }
            if (reply instanceof MbimMessage.Error err) {
                throw new QmiException("MBIM OPEN of " + name + " failed: " + MbimStatus.errorName(err.errorCode()));
            }
            MbimMessage.OpenDone done = (MbimMessage.OpenDone) reply;
            if (done.status() == MbimStatus.SUCCESS) {
                return true;
            }
            if (closedFirst) {
                throw new QmiException("MBIM OPEN of " + name + " refused: " + MbimStatus.name(done.status()));
            }
            closedFirst = true;
            int ctid = tid();
            channel.send(new MbimMessage.Close(ctid), maxControlTransfer);
            await(ctid, MbimMessage.CloseDone.class, timeoutMillis, false);
            attempt--;
        }
        return false;
    }

    /** Basic Connect device service subscribe list: QMI CID 1, so QMI indications are sent. */
    private void subscribeQmiIndications() throws IOException, QmiException {
        byte[] element = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).put(MbimUuid.QMI.bytes())
                .putInt(1).putInt(QMI_MSG_CID).array();
        byte[] list = new MbimInformation.Writer().u32(1).data(element).build();
        MbimMessage.CommandDone done;
        try {
            done = command(new MbimMessage.Command(tid(), MbimUuid.BASIC_CONNECT, DEVICE_SERVICE_SUBSCRIBE_LIST_CID,
                    MbimMessage.SET, list), SUBSCRIBE_TIMEOUT_MILLIS);
        } catch (QmiTimeoutException e) {
            LOG.warn("{}: no answer to the QMI indication subscription; going on without QMI indications", name);
            return;
        }
        if (done.status() != MbimStatus.SUCCESS) {
            LOG.warn("{}: QMI indications not enabled ({}); going on without them", name,
                    MbimStatus.name(done.status()));
        }
    }

    /** One command and its COMMAND_DONE, read synchronously (while opening, before any reader runs). */
    private MbimMessage.CommandDone command(MbimMessage.Command c, long timeoutMillis) throws IOException, QmiException {
        channel.send(c, maxControlTransfer);
        MbimMessage r = await(c.transactionId(), MbimMessage.CommandDone.class, timeoutMillis, false);
        if (r == null) {
            throw new QmiTimeoutException("no answer to MBIM " + c + " from " + name + " within "
                    + timeoutMillis / 1000 + " s");
        }
        if (r instanceof MbimMessage.Error err) {
            throw new QmiException("MBIM " + c + " to " + name + " failed: " + MbimStatus.errorName(err.errorCode()));
        }
        return (MbimMessage.CommandDone) r;
    }

    /** Reads until the answer of type want (or a function error) for tid comes; null on timeout. */
    private MbimMessage await(int tid, Class<? extends MbimMessage> want, long timeoutMillis, boolean probing)
            throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            if (probing && channel.skipped() > 0) {
                return null; // the port answered, but not in MBIM
            }
            MbimMessage m = channel.receive(probing ? Math.min(left, 50) : left);
            if (m == null) {
                continue;
            }
            if (m.transactionId() == tid && (want.isInstance(m) || m instanceof MbimMessage.Error)) {
                return m;
            }
            LOG.debug("{}: ignoring {} while waiting for tid {}", name, m, tid);
        }
    }

    private int tid() {
        return nextTid.getAndUpdate(t -> t == Integer.MAX_VALUE ? 1 : t + 1);
    }

    // ------------------------------------------------------------------ QmiTransport

    @Override
    public void send(byte[] frame) throws IOException {
        if (closed || closing) {
            throw new TransportClosedException(name + " is closed");
        }
        channel.send(new MbimMessage.Command(tid(), MbimUuid.QMI, QMI_MSG_CID, MbimMessage.SET, frame),
                maxControlTransfer);
    }

    @Override
    public byte[] receive(long timeoutMillis) throws IOException {
        readLock.lock();
        try {
            long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                long left = deadline == Long.MAX_VALUE ? -1 : Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
                if (left == 0 && deadline != Long.MAX_VALUE) {
                    return null;
                }
                MbimMessage m = channel.receive(left);
                if (m == null) {
                    return null;
                }
                byte[] qmux = qmuxOf(m);
                if (qmux != null) {
                    return qmux;
                }
            }
        } finally {
            readLock.unlock();
        }
    }

    /** The QMUX frame a message carries, or null for messages that carry none (handled here). */
    private byte[] qmuxOf(MbimMessage m) throws IOException {
        if (m instanceof MbimMessage.CommandDone d && d.service().equals(MbimUuid.QMI)) {
            if (d.status() != MbimStatus.SUCCESS) {
                LOG.warn("{}: MBIM refused a QMI message (tid {}): {}", name, d.transactionId(),
                        MbimStatus.name(d.status()));
                return null;
            }
            return d.buffer();
        }
        if (m instanceof MbimMessage.IndicateStatus i && i.service().equals(MbimUuid.QMI)) {
            return i.buffer();
        }
        if (m instanceof MbimMessage.CloseDone) {
            closeDone.countDown();
            throw new TransportClosedException(name + " is closed");
        }
        if (m instanceof MbimMessage.Error e) {
            if (e.errorCode() == MbimStatus.ERROR_NOT_OPENED) {
                throw new TransportClosedException(name + ": the MBIM function is not open any more (it was "
                        + "reset or closed by another program)");
            }
            LOG.warn("{}: MBIM function error {} (tid {})", name, MbimStatus.errorName(e.errorCode()),
                    e.transactionId());
            return null;
        }
        LOG.debug("{}: ignoring {}", name, m);
        return null;
    }

    @Override
    public String name() {
        return name;
    }

    /** Largest message this transport sends (the function's wMaxControlMessage, or 4096). */
    public int maxControlTransfer() {
        return maxControlTransfer;
    }

    /** Sends MBIM CLOSE and waits briefly for CLOSE_DONE, then closes the port. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed || closing) {
                return;
            }
            closing = true;
        }
        try {
            int tid = tid();
            channel.send(new MbimMessage.Close(tid), maxControlTransfer);
            if (readLock.tryLock()) {
                try {
                    await(tid, MbimMessage.CloseDone.class, CLOSE_TIMEOUT_MILLIS, false);
                } finally {
                    readLock.unlock();
                }
            } else {
                closeDone.await(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS); // the reader sees it
            }
        } catch (IOException e) {
            // the port is gone: nothing to close on the function
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed = true;
            channel.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The function's largest control message: IOCTL_WDM_MAX_COMMAND on a cdc-wdm node, else the
     * MBIM functional descriptor in sysfs (wMaxControlMessage), else 4096.
     */
    static int maxControlTransfer(PosixFd fd, Path path) {
        try (Memory m = new Memory(2)) {
            m.clear();
            Ioctl.withBuffer(fd, IOCTL_WDM_MAX_COMMAND, m);
            int v = m.getShort(0) & 0xFFFF;
            if (v >= 64) {
                return v;
            }
        } catch (PosixException e) {
            if (e.errno() != Errno.ENOTTY && e.errno() != Errno.EINVAL) {
                LOG.debug("{}: IOCTL_WDM_MAX_COMMAND: {}", path, e.getMessage());
            }
        }
        return fromDescriptors(path).orElse(DEFAULT_MAX_CONTROL_TRANSFER);
    }

    /** wMaxControlMessage of the MBIM functional descriptor (CS_INTERFACE 0x24, subtype 0x1B) in sysfs. */
    static Optional<Integer> fromDescriptors(Path node) {
        Path dev = node.toAbsolutePath().getParent();
        if (dev == null || node.getFileName() == null) {
            return Optional.empty();
        }
        Path sys = dev.getParent() == null ? Path.of("/sys") : dev.getParent().resolve("sys");
        Path iface = sys.resolve("class/usbmisc").resolve(node.getFileName().toString()).resolve("device");
        try {
            byte[] d = Files.readAllBytes(iface.toRealPath().getParent().resolve("descriptors"));
            return wMaxControlMessage(d);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<Integer> wMaxControlMessage(byte[] descriptors) {
        for (int i = 0; i + 1 < descriptors.length; ) {
            int len = descriptors[i] & 0xFF;
            if (len < 2 || i + len > descriptors.length) {
                break;
            }
            if (len >= 7 && (descriptors[i + 1] & 0xFF) == 0x24 && (descriptors[i + 2] & 0xFF) == 0x1B) {
                return Optional.of((descriptors[i + 5] & 0xFF) | (descriptors[i + 6] & 0xFF) << 8);
            }
            i += len;
        }
        return Optional.empty();
    }

    private static PosixFd connectProxy(String socketName, boolean spawn) throws QmiException {
        return ProxyProgram.connect(PROXY_SOCKET, socketName, spawn, "libmbim-proxy");
    }
}
