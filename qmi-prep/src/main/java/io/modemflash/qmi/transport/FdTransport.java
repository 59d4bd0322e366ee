package io.modemflash.qmi.transport;

import io.modemflash.posix.FdClosedException;
import io.modemflash.posix.PosixFd;
import io.modemflash.qmi.Hex;
import io.modemflash.qmi.QmuxFramer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * QMUX over a file descriptor (cdc-wdm node, tty/pty, unix socket). Everything read goes
 * through a {@link QmuxFramer}: a cdc-wdm read is one message, but a pty or socket is a byte
 * stream. Bytes that are not QMUX are skipped and summarised in the log; a port that sends only
 * such bytes (64 KiB before any frame) is not a QMI port, and neither is one that ends before
 * its first frame when {@link #eofBeforeFrameMeansNotQmi()} says so.
 */
public class FdTransport implements QmiTransport {
    private static final Logger LOG = LoggerFactory.getLogger(FdTransport.class);
    /** Non-QMUX bytes tolerated before the first frame; /dev/zero or an AT tty passes it in milliseconds. */
    static final long NOT_QMUX_LIMIT = 64 * 1024;
    /** A modem writes a frame in one go: a frame start still incomplete after this was cut short. */
    static final long STALE_PARTIAL_NANOS = 500_000_000L;

    private final PosixFd fd;
    private final String name;
    private final QmuxFramer framer = new QmuxFramer();
    private final Deque<byte[]> ready = new ArrayDeque<>();
    private final byte[] buf = new byte[8192];
    private final Object readLock = new Object();
    private final SkippedBytes skipped;
    private boolean framesSeen;
    private long partialSince;

    private byte[] alreadyRead;

    public FdTransport(PosixFd fd, String name) {
        this(fd, name, new byte[0]);
    }

    /** alreadyRead: bytes someone read from the fd before (a probe), to be framed first. */
    public FdTransport(PosixFd fd, String name, byte[] alreadyRead) {
        this.fd = fd;
        this.name = name;
        this.skipped = new SkippedBytes(name);
        this.alreadyRead = alreadyRead.length == 0 ? null : alreadyRead.clone();
    }

    /** True for ports that never end by themselves, so an early EOF proves a wrong path (e.g. /dev/null). */
    protected boolean eofBeforeFrameMeansNotQmi() {
        return false;
    }

    @Override
    public void send(byte[] frame) throws IOException {
        try {
            fd.write(frame);
        } catch (FdClosedException e) {
            throw new TransportClosedException(name + " is closed", e);
        }
    }

    @Override
    public byte[] receive(long timeoutMillis) throws IOException {
        synchronized (readLock) {
            long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
            while (ready.isEmpty()) {
                long wait = deadline == Long.MAX_VALUE ? -1
                        : Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000);
                if (wait == 0 && deadline != Long.MAX_VALUE) {
                    return null;
                }
                int n;
                byte[] from = buf;
                if (alreadyRead != null) {
                    from = alreadyRead;
                    n = alreadyRead.length;
                    alreadyRead = null;
                } else {
                    try {
                        n = fd.read(buf, 0, buf.length, wait);
                    } catch (FdClosedException e) {
                        throw new TransportClosedException(name + " is closed", e);
                    }
                }
                if (n < 0) {
                    if (!framesSeen && eofBeforeFrameMeansNotQmi()) {
                        throw new NotQmuxException(name + " ended (EOF) before sending any QMUX frame: not a QMI port");
                    }
                    throw new TransportClosedException(name + " closed by the other end");
                }
                if (n == 0) {
                    continue;
                }
                dropStalePartial();
                for (QmuxFramer.Chunk c : framer.feed(from, 0, n)) {
                    if (c instanceof QmuxFramer.Frame f) {
                        framesSeen = true;
                        ready.add(f.bytes());
                    } else {
                        skipped.add(c.bytes());
                    }
                }
                partialSince = framer.pending() == 0 ? 0 : partialSince == 0 ? System.nanoTime() : partialSince;
                checkQmuxAtAll();
            }
            return ready.poll();
        }
    }

    /**
     * A frame start left incomplete for long was cut short; waiting for its missing bytes would
     * swallow the next answers, so drop it when new bytes come.
     */
    private void dropStalePartial() {
        if (partialSince != 0 && System.nanoTime() - partialSince > STALE_PARTIAL_NANOS) {
            byte[] cut = framer.pendingBytes();
            framer.reset();
            partialSince = 0;
            LOG.warn("{}: dropped a QMUX frame cut short ({} of its bytes came): {}", name, cut.length,
                    Hex.spaced(cut, 0, Math.min(cut.length, SkippedBytes.SAMPLE)));
        }
    }

    private void checkQmuxAtAll() throws NotQmuxException {
        if (!framesSeen && skipped.total() + framer.pending() > NOT_QMUX_LIMIT) {
            skipped.flush();
            throw new NotQmuxException(name + " sends data that is not QMUX: not a QMI port (" + skipped.total()
                    + " bytes without a QMUX frame, starting " + skipped.firstHex() + ")");
        }
    }

    @Override
    public String name() {
        return name;
    }

    protected PosixFd fd() {
        return fd;
    }

    @Override
    public void close() {
        skipped.flush();
        fd.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }
}
