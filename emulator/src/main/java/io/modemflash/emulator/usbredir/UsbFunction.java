package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.usb.UsbDeviceModel;
import io.modemflash.emulator.usbredir.UsbRedirMessage.BulkPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.ControlPacket;

/**
 * What one interface of the emulated device does with its endpoints. The base behaviour is a
 * function with nothing to say: OUT data is accepted and dropped, IN requests wait (for
 * ever, or until cancelled), no class requests. Subclasses speak QMI (cdc-wdm), a serial
 * port, or a boot protocol.
 */
class UsbFunction {
    /** CDC SET_CONTROL_LINE_STATE (DTR/RTS): qcserial's AT port and qmi_wwan's DTR quirk send it. */
    static final int SET_CONTROL_LINE_STATE = 0x22;

    protected final UsbDeviceModel.Interface iface;
    protected final Sender sender;
    protected final BulkIn bulkIn;
    protected final InterruptIn interrupt;

    UsbFunction(UsbDeviceModel.Interface iface, Sender sender) {
        this.iface = iface;
        this.sender = sender;
        this.bulkIn = iface.endpoint(UsbDeviceModel.BULK, true).map(e -> new BulkIn(e.address(), sender)).orElse(null);
        this.interrupt = iface.endpoint(UsbDeviceModel.INTERRUPT, true).map(e -> new InterruptIn(e.address(), sender))
                .orElse(null);
    }

    UsbDeviceModel.Interface iface() {
        return iface;
    }

    /**
     * A class or vendor request addressed to this interface (wIndex). Returns the data stage of
     * an IN request (may be empty) or an empty array for an accepted OUT request; null STALLs.
     */
    byte[] control(ControlPacket c) {
        if (c.requestType() == 0x21 && c.request() == SET_CONTROL_LINE_STATE) {
            return new byte[0];
        }
        return null;
    }

    /** Host data on this interface's bulk OUT endpoint; must be answered (now or once consumed). */
    void bulkOut(BulkPacket p) {
        ack(p);
    }

    /** A host request on this interface's bulk IN endpoint. */
    void bulkIn(BulkPacket p) {
        bulkIn.request(p.id(), p.length());
    }

    void interruptReceiving(boolean start) {
        if (start) {
            interrupt.start();
        } else {
            interrupt.stop();
        }
    }

    boolean cancel(long id) {
        return bulkIn != null && bulkIn.cancel(id);
    }

    /** The connection to the host went away (its requests are void); the device keeps its state. */
    void forgetHost() {
        if (bulkIn != null) {
            bulkIn.forgetRequests();
        }
        if (interrupt != null) {
            interrupt.forgetReceiver();
        }
    }

    /** The device leaves the bus: waiting requests are cancelled. */
    void disconnect() {
        if (bulkIn != null) {
            bulkIn.disconnect();
        }
        if (interrupt != null) {
            interrupt.stop();
            interrupt.clear();
        }
    }

    protected void ack(BulkPacket p) {
        sender.send(new BulkPacket(p.id(), p.endpoint(), UsbRedir.STATUS_SUCCESS, p.length(), p.streamId(), null));
    }
}
