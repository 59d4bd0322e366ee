package io.modemflash.emulator.qmi;

import java.util.List;

/**
 * One host connection to the modem's control port as a byte stream (a pty, an in-memory
 * pipe): what the host writes goes in, what the modem answers comes out. QMUX on a qmi_wwan
 * port ({@link QmiStream}), MBIM on a cdc_mbim one. Not thread-safe: one per connection.
 */
public interface ControlStream {
    /** Feeds host bytes; returns the modem's output chunks in order. */
    List<byte[]> feed(byte[] data, int off, int len);

    /** Forgets partial input and per-connection state (the host closed the port). */
    void reset();
}
