package io.modemflash.qdl.link;

import org.usb4java.Context;
import org.usb4java.DeviceHandle;
import org.usb4java.LibUsb;
import org.usb4java.Transfer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * {@link BulkOutQueue.Submitter} on libusb's asynchronous API through usb4java: one
 * {@code libusb_transfer} per queued write, completions run by {@code handle_events} on the
 * writing thread. A transfer's status becomes the libusb error code its synchronous twin
 * would have returned, so failures read the same as before.
 */
final class LibUsbOutTransfers implements BulkOutQueue.Submitter {

    private final Context context;
    private final DeviceHandle handle;
    private final byte endpoint;
    private final Set<Transfer> submitted = new HashSet<>();

    LibUsbOutTransfers(Context context, DeviceHandle handle, byte endpoint) {
        this.context = context;
        this.handle = handle;
        this.endpoint = endpoint;
    }

    @Override
    public int submit(ByteBuffer data, long timeoutMillis, BulkOutQueue.Completion done) {
        Transfer t = LibUsb.allocTransfer();
        // usb4java takes the buffer's capacity as the length: data is an exact slice
        LibUsb.fillBulkTransfer(t, handle, endpoint, data, transfer -> {
            submitted.remove(transfer);
            int status = errorCode(transfer.status());
            int actual = transfer.actualLength();
            LibUsb.freeTransfer(transfer);
            done.completed(status, actual);
        }, null, timeoutMillis);
        int r = LibUsb.submitTransfer(t);
        if (r < 0) {
            LibUsb.freeTransfer(t);
            return r;
        }
        submitted.add(t);
        return LibUsb.SUCCESS;
    }

    @Override
    public int pump(long timeoutMillis) {
        return LibUsb.handleEventsTimeout(context, timeoutMillis * 1000);
    }

    @Override
    public void cancelAll() {
        for (Transfer t : new ArrayList<>(submitted)) {
            LibUsb.cancelTransfer(t); // NOT_FOUND when it completed meanwhile: its callback still comes
        }
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
