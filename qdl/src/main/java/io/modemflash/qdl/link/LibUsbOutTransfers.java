package io.modemflash.qdl.link;

import org.usb4java.Context;
import org.usb4java.DeviceHandle;
import org.usb4java.LibUsb;
import org.usb4java.Transfer;
import org.usb4java.TransferCallback;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link BulkOutQueue.Submitter} on libusb's asynchronous API through usb4java: one
 * {@code libusb_transfer} per write in flight (reused once it completes), completions run by
 * {@code handle_events} on the writing thread. A transfer's status becomes the libusb error code its synchronous twin
 * would have returned, so failures read the same as before.
 */
final class LibUsbOutTransfers implements BulkOutQueue.Submitter {

    /**
     * One libusb transfer, filled once and resubmitted: a transfer costs about ten JNI calls
     * to allocate and fill, which an emulated CPU makes dear at 16,000 transfers per 64 MiB.
     */
    private final class Slot implements TransferCallback {
        final Transfer transfer = LibUsb.allocTransfer();
        BulkOutQueue.Completion done;

        Slot() {
            LibUsb.fillBulkTransfer(transfer, handle, endpoint, EMPTY, this, null, BulkOutQueue.TRANSFER_TIMEOUT_MS);
        }

        @Override
        public void processTransfer(Transfer t) {
            submitted.remove(this);
            BulkOutQueue.Completion d = done;
            done = null;
            idle.push(this);
            d.completed(errorCode(t.status()), t.actualLength());
        }
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);

    private final Context context;
    private final DeviceHandle handle;
    private final byte endpoint;
    private final Set<Slot> submitted = new HashSet<>();
    private final ArrayDeque<Slot> idle = new ArrayDeque<>();
    private final List<Slot> all = new ArrayList<>();

    LibUsbOutTransfers(Context context, DeviceHandle handle, byte endpoint) {
        this.context = context;
        this.handle = handle;
        this.endpoint = endpoint;
    }

    @Override
    public int submit(ByteBuffer data, long timeoutMillis, BulkOutQueue.Completion done) {
        Slot s = idle.poll();
        if (s == null) {
            s = new Slot();
            all.add(s);
        }
        // usb4java takes the buffer's capacity as the length: data is an exact slice
        s.transfer.setBuffer(data);
        s.transfer.setTimeout(timeoutMillis);
        s.done = done;
        int r = LibUsb.submitTransfer(s.transfer);
        if (r < 0) {
            s.done = null;
            idle.push(s);
            return r;
        }
        submitted.add(s);
        return LibUsb.SUCCESS;
    }

    @Override
    public int pump(long timeoutMillis) {
        return LibUsb.handleEventsTimeout(context, timeoutMillis * 1000);
    }

    @Override
    public void cancelAll() {
        for (Slot s : new ArrayList<>(submitted)) {
            LibUsb.cancelTransfer(s.transfer); // NOT_FOUND when it completed meanwhile: its callback still comes
        }
    }

    /** Frees the transfers; only after every submitted one came back (a freed one in flight would crash). */
    @Override
    public void close() {
        if (!submitted.isEmpty()) {
            return; // leaked rather than freed under the kernel's feet; the process ends soon
        }
        for (Slot s : all) {
            LibUsb.freeTransfer(s.transfer);
        }
        all.clear();
        idle.clear();
    }

    /** A {@code libusb_transfer_status} as the {@code libusb_error} a synchronous transfer returns. */
    static int errorCode(int transferStatus) {
        return switch (transferStatus) {
            case LibUsb.TRANSFER_COMPLETED -> LibUsb.SUCCESS;
            case LibUsb.TRANSFER_TIMED_OUT -> LibUsb.ERROR_TIMEOUT;
            case LibUsb.TRANSFER_STALL -> LibUsb.ERROR_PIPE;
            case LibUsb.TRANSFER_NO_DEVICE -> LibUsb.ERROR_NO_DEVICE;
            case LibUsb.TRANSFER_OVERFLOW -> LibUsb.ERROR_OVERFLOW;
            case LibUsb.TRANSFER_CANCELLED -> LibUsb.ERROR_INTERRUPTED;
            default -> LibUsb.ERROR_IO;
        };
    }
}
