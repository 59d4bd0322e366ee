package io.modemflash.emulator;

import io.modemflash.qmi.QmuxFramer;
import io.modemflash.qmi.transport.QmiTransport;
import io.modemflash.qmi.transport.TransportClosedException;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * qmi-prep's {@link QmiTransport} on an in-memory connection to the emulated modem, so host
 * code runs unchanged against it: {@code QmiDevice.open(modem.transport())}. The modem's
 * byte stream is re-framed here, so a qmi-garbage fault is skipped as a real stream reader
 * would skip it.
 */
public final class ModemTransport implements QmiTransport {
    private final ModemEndpoint port;
    private final String name;
    private final QmuxFramer framer = new QmuxFramer();
    private final Deque<byte[]> frames = new ArrayDeque<>();
    private final byte[] buf = new byte[65536];

    ModemTransport(ModemEndpoint port, String name) {
        this.port = port;
        this.name = name;
    }

    @Override
    public void send(byte[] frame) throws IOException {
        try {
            port.write(frame);
        } catch (IOException e) {
            throw new TransportClosedException(name + " is closed", e);
        }
    }

    @Override
    public byte[] receive(long timeoutMillis) throws IOException {
        synchronized (frames) {
            long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
            while (frames.isEmpty()) {
                long left = deadline == Long.MAX_VALUE ? -1 : Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
                int n = port.read(buf, 0, buf.length, left);
                if (n < 0) {
                    throw new TransportClosedException(name + " is closed");
                }
                if (n == 0) {
                    return null;
                }
                frames.addAll(framer.feedFrames(buf, 0, n));
            }
            return frames.poll();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        port.close();
    }
}
