package io.modemflash.qmi.mbim;

import io.modemflash.posix.FdClosedException;
import io.modemflash.posix.PosixFd;
import io.modemflash.qmi.Hex;
import io.modemflash.qmi.transport.TransportClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * MBIM wire messages over a file descriptor: each message (or fragment) in its own write,
 * since cdc-wdm truncates a write to one control transfer; reads re-framed by the MBIM length
 * (a pty or socket is a stream) and fragments joined. Bytes that are not MBIM are skipped and
 * logged. Reads and writes may come from different threads; one reader at a time.
 */
final class MbimChannel {
    private static final Logger LOG = LoggerFactory.getLogger(MbimChannel.class);

    private final PosixFd fd;
    private final String name;
    private final MbimStreamFramer framer;
    private final MbimFragments.Assembler assembler = new MbimFragments.Assembler();
    private final Deque<byte[]> ready = new ArrayDeque<>();
    private final byte[] buf = new byte[65536];
    private final Object writeLock = new Object();
    private long skipped;
    private java.io.ByteArrayOutputStream recorded;

    MbimChannel(PosixFd fd, String name, int maxReadLength) {
        this.fd = fd;
        this.name = name;
        this.framer = new MbimStreamFramer(Math.max(maxReadLength, 4096));
    }

    /** Sends one message, fragmented to the function's largest control message. */
    void send(MbimMessage m, int maxControlTransfer) throws IOException {
        synchronized (writeLock) {
            for (byte[] wire : MbimFragments.split(m.encode(), maxControlTransfer)) {
                try {
                    fd.write(wire);
                } catch (FdClosedException e) {
                    throw new TransportClosedException(name + " is closed", e);
                }
            }
        }
    }

    /** The next whole message, or null when timeoutMillis passed (negative: wait forever). */
    MbimMessage receive(long timeoutMillis) throws IOException {
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            while (!ready.isEmpty()) {
                byte[] wire = ready.poll();
                try {
                    byte[] whole = assembler.add(wire);
                    if (whole != null) {
                        return MbimMessage.decode(whole);
                    }
                } catch (MbimFormatException e) {
                    LOG.warn("{}: dropped a bad MBIM message ({}): {}", name, e.getMessage(),
                            Hex.spaced(wire, 0, Math.min(wire.length, 48)));
                }
            }
            long wait = deadline == Long.MAX_VALUE ? -1 : Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
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
            if (recorded != null) {
                recorded.write(buf, 0, n);
            }
            for (MbimStreamFramer.Chunk c : framer.feed(buf, 0, n)) {
                if (c instanceof MbimStreamFramer.Message m) {
                    ready.add(m.bytes());
                } else {
                    skipped += c.bytes().length;
                    LOG.debug("{}: skipped {} bytes that are not MBIM ({} so far): {}", name, c.bytes().length,
                            skipped, Hex.spaced(c.bytes(), 0, Math.min(c.bytes().length, 32)));
                }
            }
        }
    }

    /** From now on keep a copy of every byte read (a probe hands them on when the port is not MBIM). */
    void record() {
        recorded = new java.io.ByteArrayOutputStream();
    }

    byte[] recorded() {
        return recorded == null ? new byte[0] : recorded.toByteArray();
    }

    /** Non-MBIM bytes skipped so far. */
    long skipped() {
        return skipped;
    }

    String name() {
        return name;
    }

    PosixFd fd() {
        return fd;
    }

    void close() {
        fd.close();
    }
}
