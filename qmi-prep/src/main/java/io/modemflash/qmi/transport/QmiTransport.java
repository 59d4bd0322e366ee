package io.modemflash.qmi.transport;

import java.io.Closeable;
import java.io.IOException;

/**
 * Carries whole QMUX frames between host and modem. Implementations re-frame byte streams, so
 * {@link #receive} always returns exactly one frame. {@link #close()} may be called from any
 * thread and wakes a reader blocked in {@link #receive}.
 */
public interface QmiTransport extends Closeable {
    /** Sends one whole QMUX frame. */
    void send(byte[] frame) throws IOException;

    /**
     * The next whole frame, or null when timeoutMillis passed first (negative: wait forever).
     * Throws {@link TransportClosedException} once closed (locally, or EOF from the peer).
     */
    byte[] receive(long timeoutMillis) throws IOException;

    /** What this talks to, for messages: "/dev/cdc-wdm0", "qmi-proxy for /dev/cdc-wdm0". */
    String name();

    /** Idempotent; never throws. */
    @Override
    void close();
}
