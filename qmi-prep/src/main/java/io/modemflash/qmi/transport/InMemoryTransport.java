package io.modemflash.qmi.transport;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One end of an in-process frame pipe, for unit tests and the in-process emulator. Frames sent
 * on one end are received whole on the other. Closing either end closes both directions.
 */
public final class InMemoryTransport implements QmiTransport {
    private static final byte[] CLOSED = new byte[0];

    private final String name;
    private final BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
    private InMemoryTransport peer;
    private volatile boolean closed;

    private InMemoryTransport(String name) {
        this.name = name;
    }

    /** [0] host end, [1] modem end. */
    public static InMemoryTransport[] pair() {
        InMemoryTransport host = new InMemoryTransport("in-memory host end");
        InMemoryTransport modem = new InMemoryTransport("in-memory modem end");
        host.peer = modem;
        modem.peer = host;
        return new InMemoryTransport[] {host, modem};
    }

    @Override
    public void send(byte[] frame) throws TransportClosedException {
        if (closed || peer.closed) {
            throw new TransportClosedException(name + " is closed");
        }
        peer.inbox.add(frame.clone());
    }

    @Override
    public byte[] receive(long timeoutMillis) throws TransportClosedException {
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
            inbox.add(CLOSED); // keep later callers failing too
            throw new TransportClosedException(closed ? name + " is closed" : name + ": peer closed");
        }
        return f;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            inbox.add(CLOSED);
            peer.inbox.add(CLOSED);
        }
    }

    public boolean isClosed() {
        return closed;
    }
}
