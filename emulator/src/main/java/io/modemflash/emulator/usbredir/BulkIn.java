package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.usbredir.UsbRedirMessage.BulkPacket;

import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * A bulk IN endpoint: the guest's IN requests wait until the device has data, and the device's
 * data waits for a request. Each device write is one transfer: a request gets at most one
 * transfer (what fits; the rest of a longer transfer goes to the next request, as packets
 * left in the endpoint would), so a Sahara packet or a Firehose document arrives in one
 * transfer. Requests are answered in the order they came (QEMU completes an endpoint's
 * packets strictly in order).
 */
final class BulkIn {
    /** Device data queued before the writer blocks (as InMemoryLink's USB model). */
    static final long CAPACITY = 8L << 20;

    private record Request(long id, int length) {
    }

    private final int address;
    private final Sender sender;
    private final Deque<Request> requests = new ArrayDeque<>();
    private final Deque<byte[]> transfers = new ArrayDeque<>();
    private int headOffset;
    private long queued;
    private boolean gone;

    BulkIn(int address, Sender sender) {
        this.address = address;
        this.sender = sender;
    }

    int address() {
        return address;
    }

    /** A guest IN request of up to {@code length} bytes. */
    synchronized void request(long id, int length) {
        if (gone) {
            sender.send(new BulkPacket(id, address, UsbRedir.STATUS_IOERROR, 0, 0, null));
            return;
        }
        requests.addLast(new Request(id, length));
        match();
    }

    /** One device transfer (copied). Blocks while too much waits unread; false once the device is gone. */
    synchronized boolean write(byte[] b, int off, int len) throws InterruptedIOException {
        if (len == 0) {
            return !gone;
        }
        while (!gone && queued > 0 && queued + len > CAPACITY) {
            try {
                wait(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted writing to the USB host");
            }
        }
        if (gone) {
            return false;
        }
        byte[] copy = new byte[len];
        System.arraycopy(b, off, copy, 0, len);
        transfers.addLast(copy);
        queued += len;
        match();
        return true;
    }

    /** Like {@link #write} for a device that must not wait (answers made on the connection's reader): drops when full. */
    synchronized boolean post(byte[] b) {
        if (gone || queued + b.length > CAPACITY) {
            return false;
        }
        transfers.addLast(b.clone());
        queued += b.length;
        match();
        return true;
    }

    private void match() {
        while (!requests.isEmpty() && !transfers.isEmpty()) {
            Request r = requests.pollFirst();
            byte[] head = transfers.peekFirst();
            int n = Math.min(r.length(), head.length - headOffset);
            byte[] out = new byte[n];
            System.arraycopy(head, headOffset, out, 0, n);
            headOffset += n;
            queued -= n;
            if (headOffset == head.length) {
                transfers.pollFirst();
                headOffset = 0;
            }
            sender.send(new BulkPacket(r.id(), address, UsbRedir.STATUS_SUCCESS, n, 0, out));
            notifyAll();
        }
    }

    /** Cancels a waiting request (answered "cancelled"); false when no such request waits here. */
    synchronized boolean cancel(long id) {
        for (Iterator<Request> it = requests.iterator(); it.hasNext(); ) {
            Request r = it.next();
            if (r.id() == id) {
                it.remove();
                sender.send(new BulkPacket(id, address, UsbRedir.STATUS_CANCELLED, 0, 0, null));
                return true;
            }
        }
        return false;
    }

    /** Bytes the device wrote that no request took yet. */
    synchronized long unread() {
        return queued;
    }

    /** Waits until the host took everything the device wrote (false on timeout or when gone). */
    synchronized boolean awaitDrained(long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (queued > 0 && !gone) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(Math.min(left, 50));
        }
        return queued == 0;
    }

    /** The connection went away: its requests will never be answered. The device's data stays. */
    synchronized void forgetRequests() {
        requests.clear();
    }

    /** The device leaves the bus: waiting requests are answered "cancelled", data is lost, writers fail. */
    synchronized void disconnect() {
        for (Request r : requests) {
            sender.send(new BulkPacket(r.id(), address, UsbRedir.STATUS_CANCELLED, 0, 0, null));
        }
        requests.clear();
        transfers.clear();
        queued = 0;
        gone = true;
        notifyAll();
    }
}
