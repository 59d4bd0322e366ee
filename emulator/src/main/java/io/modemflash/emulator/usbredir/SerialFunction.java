package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.serial.SerialResponder;
import io.modemflash.emulator.usb.UsbDeviceModel;
import io.modemflash.emulator.usbredir.UsbRedirMessage.BulkPacket;

/**
 * A serial port interface (qcserial/option tty: DM, NMEA, AT): bytes the host writes go to a
 * {@link SerialResponder}, whatever it answers comes back on the bulk IN endpoint, and what it
 * does next (boot-and-hold, EDL) happens once the answer is queued. Without a responder the
 * port is silent (NMEA before a GPS session).
 */
final class SerialFunction extends UsbFunction {
    private final SerialResponder responder;

    SerialFunction(UsbDeviceModel.Interface iface, Sender sender, SerialResponder responder) {
        super(iface, sender);
        this.responder = responder;
    }

    @Override
    void bulkOut(BulkPacket p) {
        ack(p);
        if (responder == null || p.data().length == 0) {
            return;
        }
        SerialResponder.Answer answer;
        synchronized (this) {
            answer = responder.received(p.data(), 0, p.data().length);
        }
        if (answer.bytes().length > 0) {
            bulkIn.post(answer.bytes()); // a host that never reads loses answers beyond the endpoint's buffer
        }
        if (answer.then() != null) {
            answer.then().run();
        }
    }

    /** Answer bytes the host has not read yet. */
    long unread() {
        return bulkIn.unread();
    }

    /** Waits until the host read every answer (false on timeout). */
    boolean awaitDrained(long timeoutMillis) throws InterruptedException {
        return bulkIn.awaitDrained(timeoutMillis);
    }
}
