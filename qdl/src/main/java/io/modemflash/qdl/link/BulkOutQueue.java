package io.modemflash.qdl.link;

import org.usb4java.LibUsb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Keeps several bulk OUT transfers queued with the host controller, so the endpoint never
 * idles while the host prepares the next one. With one synchronous transfer at a time every
 * transfer pays a whole round trip (submit, device, completion, wake-up) with the endpoint
 * idle; Sierra's 8 KiB Firehose payload makes that 16,000 round trips for 64 MiB.
 *
 * <p>Each transfer's bytes are copied into a ring of direct memory and stay untouched until
 * the transfer completes; transfers complete in submission order (one endpoint), so the
 * ring is freed from its tail. A write returns once its transfers are submitted; a failure
 * (stall, timeout, short write, device gone) is thrown by the write, {@link #flush()} or
 * read that finds it, after the transfers behind it were cancelled. {@link #flush()} waits
 * for everything queued: readers call it first, so a reply is never awaited while the
 * request still sits in the queue.
 */
final class BulkOutQueue {

    /** Ring size: four 1 MiB transfers in flight. */
    static final int RING_BYTES = 4 << 20;
    /** At most this many transfers in flight (8 KiB payloads plus their zero-length packets). */
    static final int MAX_TRANSFERS = 32;
    /** libusb's own per-transfer timeout; a target committing flash may hold OUT for seconds. */
    static final long TRANSFER_TIMEOUT_MS = 30_000;
    /** How long close waits for queued transfers before cancelling them. */
    static final long CLOSE_WAIT_MS = 5_000;

    /** libusb's asynchronous API for one OUT endpoint, or a fake. */
    interface Submitter {
        /**
         * Submits a transfer of exactly {@code data.capacity()} bytes; {@code done} is called
         * from a later {@link #pump}. Returns a libusb status code (negative: not submitted).
         */
        int submit(ByteBuffer data, long timeoutMillis, Completion done);

        /** Handles completions for up to {@code timeoutMillis}; returns a libusb status code. */
        int pump(long timeoutMillis);

        /** Asks for every submitted transfer to be cancelled; each still completes through {@link #pump}. */
        void cancelAll();

        /** Releases what the submitter holds, once nothing is in flight. */
        default void close() {
        }
    }

    /** A transfer's end: status as a libusb error code (0 = completed), bytes moved. */
    interface Completion {
        void completed(int status, int actualLength);
    }

    private static final class Pending implements Completion {
        final int start;
        final int size;
        boolean done;
        int status;
        int actual;

        Pending(int start, int size) {
            this.start = start;
            this.size = size;
        }

        @Override
        public void completed(int status, int actualLength) {
            this.done = true;
            this.status = status;
            this.actual = actualLength;
        }
    }

    private final Submitter usb;
    private final ByteBuffer ring;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    /** Where the next transfer's bytes go; the oldest in-flight transfer's start is the tail. */
    private int head;

    BulkOutQueue(Submitter usb) {
        this(usb, RING_BYTES);
    }

    BulkOutQueue(Submitter usb, int ringBytes) {
        this.usb = usb;
        this.ring = ByteBuffer.allocateDirect(ringBytes);
    }

    /** Queues one transfer of exactly {@code size} bytes (0: a zero-length packet). */
    void send(byte[] data, int off, int size) throws IOException {
        if (size > ring.capacity()) {
            throw new IllegalArgumentException(size + "-byte transfer exceeds the " + ring.capacity() + "-byte ring");
        }
        int at;
        while (inFlight.size() >= MAX_TRANSFERS || (at = reserve(size)) < 0) {
            retireOldest();
        }
        ring.put(at, data, off, size);
        Pending p = new Pending(at, size);
        int r = usb.submit(ring.slice(at, size), TRANSFER_TIMEOUT_MS, p);
        if (r < 0) {
            fail(r, what(size));
        }
        inFlight.addLast(p);
        head = at + size;
    }

    /** Waits for every queued transfer; throws the first failure among them. */
    void flush() throws IOException {
        while (!inFlight.isEmpty()) {
            retireOldest();
        }
    }

    /** Lets queued transfers finish (bounded), then cancels what is left. Never throws. */
    void close() {
        awaitAll(CLOSE_WAIT_MS);
        drain();
        usb.close();
    }

    /** Offset for {@code size} contiguous bytes that no in-flight transfer uses, or -1. */
    private int reserve(int size) {
        if (inFlight.isEmpty()) {
            head = 0;
            return 0;
        }
        int tail = inFlight.peekFirst().start;
        if (head >= tail) { // used: [tail, head)
            if (head + size <= ring.capacity()) {
                return head;
            }
            return size < tail ? 0 : -1; // wrap; strictly below the tail so head never meets it
        }
        return head + size < tail ? head : -1; // used: [tail, end) and [0, head)
    }

    private void retireOldest() throws IOException {
        Pending p = inFlight.peekFirst();
        long limit = System.nanoTime() + (TRANSFER_TIMEOUT_MS + 5_000) * 1_000_000L;
        boolean cancelled = false;
        while (!p.done) {
            int r = usb.pump(250);
            if (r < 0 && r != LibUsb.ERROR_INTERRUPTED) {
                fail(r, "wait for a USB write");
            }
            if (!cancelled && System.nanoTime() > limit) { // libusb's own timeout should have fired
                usb.cancelAll();
                cancelled = true;
            }
        }
        inFlight.removeFirst();
        if (p.status != 0) {
            fail(p.status, what(p.size));
        }
        if (p.actual != p.size) {
            drain();
            throw new IOException("short USB write: " + p.actual + " of " + p.size + " bytes");
        }
    }

    private static String what(int size) {
        return size == 0 ? "send a zero-length packet" : "write " + size + " bytes";
    }

    /** Cancels what is queued behind a failure, waits for it, and throws the failure. */
    private void fail(int status, String what) throws IOException {
        drain();
        UsbLink.check(status, what);
        throw new IOException("cannot " + what + ": status " + status); // check throws for every status < 0
    }

    /** Cancels every queued transfer and waits (bounded) until libusb has given each back. */
    private void drain() {
        if (inFlight.isEmpty()) {
            return;
        }
        usb.cancelAll();
        awaitAll(2_000);
        inFlight.clear();
        head = 0;
    }

    /** Retires completed transfers in order for up to {@code millis}; stops early if libusb fails. */
    private void awaitAll(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            if (inFlight.peekFirst().done) {
                inFlight.removeFirst();
            } else if (usb.pump(100) < 0) {
                break;
            }
        }
    }
}
