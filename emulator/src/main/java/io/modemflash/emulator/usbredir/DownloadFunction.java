package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.boot.Unpluggable;
import io.modemflash.emulator.usb.UsbDeviceModel;
import io.modemflash.emulator.usbredir.UsbRedirMessage.BulkPacket;
import io.modemflash.qdl.link.DeviceGoneException;
import io.modemflash.qdl.link.Link;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The only interface of a download personality, seen from the boot protocol targets as the
 * device end of a {@link Link}. A read returns one device transfer: the host's data up to a
 * short packet, whatever URBs it came in (see {@link #read}). A host URB completes (is
 * acknowledged) as soon as the device's receive buffers ({@link #BUFFER_BYTES}) can hold it,
 * as a USB device controller ACKs packets into RAM while the firmware is still busy with the
 * previous chunk; a host that writes more than the target takes waits (flow control as on
 * USB). Completions go out in the order the transfers came. Zero-length transfers (a ZLP
 * after a full-packet write) end a transfer on the wire and carry no data: they are
 * acknowledged and never reach the target. Each write of the target is one bulk IN transfer.
 */
final class DownloadFunction extends UsbFunction implements Link, Unpluggable {
    /** How long a device that resets gives the host to collect its last answers (as PtyDeviceLink). */
    static final long LINGER_MILLIS = 1_000;
    /** Received data the target has not taken yet that the device still accepts: two 1 MiB chunks. */
    static final long BUFFER_BYTES = 2L << 20;

    private static final class Transfer {
        final BulkPacket packet;
        int offset;
        boolean acked;

        Transfer(BulkPacket packet) {
            this.packet = packet;
        }
    }

    private final Deque<Transfer> out = new ArrayDeque<>();
    private final String name;
    private boolean gone;
    private long zeroLengthPackets;
    /** Bytes of acknowledged transfers the target has not read yet. */
    private long buffered;

    DownloadFunction(UsbDeviceModel.Interface iface, Sender sender, String name) {
        super(iface, sender);
        this.name = name;
    }

    // ------------------------------------------------------------------ host side (connection reader)

    @Override
    synchronized void bulkOut(BulkPacket p) {
        if (gone) {
            sender.send(new BulkPacket(p.id(), p.endpoint(), UsbRedir.STATUS_IOERROR, 0, p.streamId(), null));
            return;
        }
        out.addLast(new Transfer(p));
        ackWhatFits();
        notifyAll();
    }

    @Override
    boolean cancel(long id) {
        synchronized (this) {
            for (Iterator<Transfer> it = out.iterator(); it.hasNext(); ) {
                Transfer t = it.next();
                if (t.packet.id() == id) {
                    if (!t.acked) { // an acknowledged one was answered already
                        it.remove();
                        sender.send(new BulkPacket(id, t.packet.endpoint(), UsbRedir.STATUS_CANCELLED, 0, 0, null));
                        ackWhatFits();
                    }
                    return true;
                }
            }
        }
        return super.cancel(id);
    }

    @Override
    synchronized void forgetHost() {
        super.forgetHost();
        // transfers the device has not consumed stay: they were on the wire
    }

    @Override
    synchronized void disconnect() {
        for (Transfer t : out) {
            if (!t.acked) {
                sender.send(new BulkPacket(t.packet.id(), t.packet.endpoint(), UsbRedir.STATUS_CANCELLED, 0, 0, null));
            }
        }
        out.clear();
        buffered = 0;
        gone = true;
        notifyAll();
        super.disconnect();
    }

    /** Zero-length transfers swallowed so far (a test checks the host's ZLP policy with it). */
    synchronized long zeroLengthPacketsReceived() {
        return zeroLengthPackets;
    }

    /** Acknowledges, in arrival order, the waiting transfers the receive buffers can take; ZLPs take no room. */
    private void ackWhatFits() {
        for (Transfer t : out) {
            if (t.acked) {
                continue;
            }
            int len = t.packet.data().length;
            if (len > 0 && buffered > 0 && buffered + len > BUFFER_BYTES) {
                return; // later ones wait behind this one
            }
            t.acked = true;
            buffered += len;
            if (len == 0) {
                zeroLengthPackets++;
            }
            ack(t.packet);
        }
    }

    /** Drops acknowledged ZLPs at the head: they carry nothing for the target. */
    private void skipZeroLength() {
        while (!out.isEmpty() && out.peekFirst().acked && out.peekFirst().packet.data().length == 0) {
            out.pollFirst();
        }
    }

    // ------------------------------------------------------------------ device side (Link)

    /**
     * One device transfer, as a USB device controller completes a read: the host's bulk
     * packets in order until one is short (a ZLP included) or {@code len} bytes are in. The
     * host's URB boundaries do not show: a full-packet URB and the one after it are one transfer
     * (qmi-firmware-update's 512 zeros after an image reach the target together with the next
     * command, as on a real EM7565). A transfer still open when the time is up stays whole for
     * a later read (0 is returned).
     */
    @Override
    public int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
        long end = System.nanoTime() + Math.max(0, timeoutMillis) * 1_000_000L;
        synchronized (this) {
            while (true) {
                skipZeroLength(); // a ZLP with nothing before it completes an empty read: nothing for the target
                if (transferReady(len)) {
                    break;
                }
                if (gone) {
                    throw new DeviceGoneException(name + " is off the bus");
                }
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return 0;
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted reading from the USB host");
                }
            }
            int n = 0;
            while (n < len && !out.isEmpty()) {
                Transfer t = out.peekFirst();
                byte[] d = t.packet.data();
                int c = Math.min(len - n, d.length - t.offset);
                System.arraycopy(d, t.offset, buf, off + n, c);
                t.offset += c;
                n += c;
                if (t.offset < d.length) {
                    break; // the read is full; the rest of this URB starts the next one
                }
                out.pollFirst();
                buffered -= d.length;
                if (endsTransfer(d.length)) {
                    skipZeroLengthAfterData();
                    break;
                }
            }
            ackWhatFits();
            return n;
        }
    }

    /** A URB whose last packet is short ends the device's transfer (a ZLP too). */
    private static boolean endsTransfer(int urbLength) {
        return urbLength % UsbDeviceModel.HS_BULK_PACKET != 0 || urbLength == 0;
    }

    /** True when acknowledged data holds a whole transfer or at least {@code len} bytes. */
    private boolean transferReady(int len) {
        long avail = 0;
        for (Transfer t : out) {
            if (!t.acked) {
                return false;
            }
            int urb = t.packet.data().length;
            avail += urb - t.offset;
            if (avail >= len || (avail > 0 && endsTransfer(urb))) {
                return true;
            }
        }
        return false;
    }

    /** A ZLP right behind full-packet data is that transfer's end, already used. */
    private void skipZeroLengthAfterData() {
        if (!out.isEmpty() && out.peekFirst().acked && out.peekFirst().packet.data().length == 0) {
            out.pollFirst();
        }
    }

    @Override
    public void write(byte[] data, int off, int len) throws IOException {
        if (!bulkIn.write(data, off, len)) {
            throw new DeviceGoneException(name + " is off the bus");
        }
    }

    @Override
    public int maxPacketSize() {
        return UsbDeviceModel.HS_BULK_PACKET;
    }

    @Override
    public void setZeroLengthPackets(boolean enabled) {
        // the device end sends none: each write completes one IN request
    }

    @Override
    public boolean zeroLengthPackets() {
        return false;
    }

    @Override
    public String describe() {
        return name;
    }

    /** An abrupt end (injected disconnect, emulator stopping): no linger. */
    @Override
    public void unplug() {
        disconnect();
    }

    /**
     * An orderly end (the device resets): the host gets up to {@link #LINGER_MILLIS} to collect
     * what the device wrote last (a reset's ACK and logs) before the device leaves the bus.
     */
    @Override
    public void close() {
        try {
            bulkIn.awaitDrained(LINGER_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        disconnect();
    }
}
