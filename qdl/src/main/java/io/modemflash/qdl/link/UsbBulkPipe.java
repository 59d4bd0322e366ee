package io.modemflash.qdl.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;

/**
 * The bulk IN/OUT half of {@link UsbLink}: splits writes into transfers of at most
 * {@link #MAX_WRITE} bytes plus the zero-length packet the ZLP rule asks for, queued through
 * {@link BulkOutQueue} so several are in flight, and buffers one bulk IN transfer for reads,
 * swallowing zero-length completions. A read first waits for the queued writes.
 *
 * <p>usb4java's {@code LibUsb.bulkTransfer} transfers the buffer's whole <em>capacity</em>
 * from its start, ignoring position and limit. Every transfer therefore gets a slice of
 * exactly the bytes meant; a reused 1 MiB buffer would otherwise send (or ask for) 1 MiB for
 * a 48-byte Sahara packet, as the first real kernel showed.
 */
final class UsbBulkPipe {

    /** Largest single bulk OUT: 1 MiB writes run ~3x faster than 512-byte ones. */
    static final int MAX_WRITE = 1 << 20;
    static final int MAX_READ = 1 << 20;

    /** The one libusb call this class makes; {@code LibUsb::bulkTransfer} on a real device. */
    @FunctionalInterface
    interface BulkTransfer {
        /** Transfers {@code data.capacity()} bytes on {@code endpoint}; returns a libusb status code. */
        int transfer(byte endpoint, ByteBuffer data, IntBuffer transferred, long timeoutMillis);
    }

    private final BulkTransfer bulk;
    private final BulkOutQueue out;
    private final byte inEndpoint;
    private final byte outEndpoint;
    private final int maxPacketSize;
    private final ByteBuffer inBuffer = ByteBuffer.allocateDirect(MAX_READ);
    /** What the last IN transfer brought and the reader has not taken yet. */
    private ByteBuffer pending = ByteBuffer.allocate(0);
    private final IntBuffer transferred = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).asIntBuffer();

    /** {@code bulk} serves reads; {@code outTransfers} queues writes on {@code outEndpoint}. */
    UsbBulkPipe(BulkTransfer bulk, BulkOutQueue.Submitter outTransfers, byte inEndpoint, byte outEndpoint,
                int maxPacketSize) {
        this.bulk = bulk;
        this.out = new BulkOutQueue(outTransfers);
        this.inEndpoint = inEndpoint;
        this.outEndpoint = outEndpoint;
        this.maxPacketSize = maxPacketSize;
    }

    int maxPacketSize() {
        return maxPacketSize;
    }

    void write(byte[] data, int off, int len, boolean zlp) throws IOException {
        int pos = off;
        for (int size : DownloadModeDevices.transferPlan(len, MAX_WRITE, maxPacketSize, zlp)) {
            out.send(data, pos, size);
            pos += size;
        }
    }

    /** Waits until every queued write has completed; throws the first that failed. */
    void flush() throws IOException {
        out.flush();
    }

    /** Lets queued writes finish (bounded), cancels the rest; before the handle closes. */
    void close() {
        out.close();
    }

    int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
        if (len == 0) {
            return 0;
        }
        out.flush(); // the reply cannot come before the request has gone
        if (pending.hasRemaining()) {
            return drain(buf, off, len);
        }
        long deadline = System.nanoTime() + Math.max(0, timeoutMillis) * 1_000_000L;
        // Always ask for whole packets: a bulk IN shorter than the packet the device sends overflows.
        int want = (int) Math.min(MAX_READ, ((long) Math.max(len, maxPacketSize) + maxPacketSize - 1)
                / maxPacketSize * maxPacketSize);
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                left = 1; // libusb treats 0 as "wait forever"
            }
            ByteBuffer exact = inBuffer.slice(0, want);
            transferred.clear();
            int r = bulk.transfer(inEndpoint, exact, transferred, left);
            int n = transferred.get(0);
            if (r < 0 && r != UsbLink.TIMEOUT_STATUS) {
                UsbLink.check(r, "read from the device");
            }
            if (n > 0) {
                pending = exact.slice(0, n);
                return drain(buf, off, len);
            }
            if (System.nanoTime() >= deadline) {
                return 0; // a timeout, or a zero-length completion that carries nothing
            }
        }
    }

    private int drain(byte[] buf, int off, int len) {
        int c = Math.min(len, pending.remaining());
        pending.get(buf, off, c);
        return c;
    }
}
