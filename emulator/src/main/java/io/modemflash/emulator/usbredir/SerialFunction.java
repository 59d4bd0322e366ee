package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.usb.UsbDeviceModel;
import io.modemflash.emulator.usbredir.UsbRedirMessage.BulkPacket;

/**
 * A serial port interface (qcserial/option tty: DM, NMEA, AT): bytes the host writes go to a
 * {@link Responder}, whatever it answers comes back on the bulk IN endpoint. Without a
 * responder the port is silent (NMEA before a GPS session).
 */
final class SerialFunction extends UsbFunction {
    /** The device behind the port: takes host bytes (any split), returns what it sends back. */
    interface Responder {
        byte[] received(byte[] data);
    }

    private final Responder responder;

    SerialFunction(UsbDeviceModel.Interface iface, Sender sender, Responder responder) {
        super(iface, sender);
        this.responder = responder;
    }

    @Override
    void bulkOut(BulkPacket p) {
        ack(p);
        if (responder == null || p.data().length == 0) {
            return;
        }
        byte[] answer;
        synchronized (this) {
            answer = responder.received(p.data());
        }
        if (answer != null && answer.length > 0) {
            bulkIn.post(answer); // a host that never reads loses answers beyond the endpoint's buffer
        }
    }
}
