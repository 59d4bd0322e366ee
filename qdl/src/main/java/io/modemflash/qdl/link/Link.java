package io.modemflash.qdl.link;

import java.io.Closeable;
import java.io.IOException;

/**
 * A byte pipe to a device in download mode: a USB bulk pair, a tty, or an in-memory peer.
 *
 * <p>Writes are whole transfers. When zero-length packets are enabled, a write whose length
 * is a non-zero multiple of {@link #maxPacketSize()} is followed by an explicit zero-length
 * transfer so the target sees the end of it (USB only; a tty ignores the setting).
 * Protocols choose the policy: ON for Firehose, OFF for Sahara.
 *
 * <p>Reads return what arrived: on USB at most one bulk IN transfer, on a tty whatever the
 * driver has. Zero-length IN completions are swallowed, never returned.
 */
public interface Link extends Closeable {

    /** Writes {@code len} bytes as one logical transfer (a USB link may split it); 0 bytes sends nothing. */
    void write(byte[] data, int off, int len) throws IOException;

    default void write(byte[] data) throws IOException {
        write(data, 0, data.length);
    }

    /**
     * Waits up to {@code timeoutMillis} for data and copies what arrived (at least one byte)
     * into {@code buf}. Returns 0 when nothing arrived in time.
     *
     * @throws DeviceGoneException when the device vanished or the link is closed
     */
    int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException;

    /** Bulk endpoint max packet size (512 on USB 2.0 high speed); drives the ZLP decision. */
    int maxPacketSize();

    /** Enables or disables explicit zero-length packets after full-packet writes. */
    void setZeroLengthPackets(boolean enabled);

    boolean zeroLengthPackets();

    /** A short human name for messages, e.g. "usb 2-1.4" or "/dev/ttyUSB0". */
    String describe();

    @Override
    void close() throws IOException;
}
