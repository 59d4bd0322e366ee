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
 * stream. Bytes that are not QMUX are logged and skipped.
 */
public class FdTransport implements QmiTransport {
    private static final Logger LOG = LoggerFactory.getLogger(FdTransport.class);

    private final PosixFd fd;
    private final String name;
    private final QmuxFramer framer = new QmuxFramer();
    private final Deque<byte[]> ready = new ArrayDeque<>();
    private final byte[] buf = new byte[8192];
    private final Object readLock = new Object();

    public FdTransport(PosixFd fd, String name) {
        this.fd = fd;
        this.name = name;
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
                try {
                    n = fd.read(buf, 0, buf.length, wait);
                } catch (FdClosedException e) {
                    throw new TransportClosedException(name + " is closed", e);
                }
                if (n < 0) {
                    throw new TransportClosedException(name + " closed by the other end");
                }
                if (n == 0) {
                    continue;
                }
                for (QmuxFramer.Chunk c : framer.feed(buf, 0, n)) {
                    if (c instanceof QmuxFramer.Frame f) {
                        ready.add(f.bytes());
                    } else {
                        LOG.warn("{}: skipped {} byte(s) that are not QMUX: {}", name, c.bytes().length,
                                Hex.spaced(c.bytes()));
                    }
                }
            }
            return ready.poll();
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
        fd.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }
}
