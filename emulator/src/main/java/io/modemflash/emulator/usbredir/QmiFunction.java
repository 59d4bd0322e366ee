package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.qmi.ControlStream;
import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.emulator.qmi.QmiStream;
import io.modemflash.emulator.usb.Cdc;
import io.modemflash.emulator.usb.UsbDeviceModel;
import io.modemflash.emulator.usbredir.UsbRedirMessage.ControlPacket;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * The QMI control interface the cdc-wdm way (qmi_wwan): SEND_ENCAPSULATED_COMMAND carries a
 * QMUX frame to the engine (or, on a cdc_mbim function, an MBIM message to the
 * {@link MbimControlFunction}'s MBIM function); each message the modem produces waits in a queue, announced by a
 * RESPONSE_AVAILABLE notification on the interrupt endpoint; each GET_ENCAPSULATED_RESPONSE
 * returns exactly one message (nothing queued: a zero-length answer, as cdc-wdm expects when
 * it drains on open). When the host starts receiving notifications again (a client reopened
 * the port after closing it with responses unread), every queued message is announced again,
 * so nothing stays stuck in front of later answers. The bulk endpoints carry the network data
 * path: packets are accepted and dropped, nothing comes in.
 */
class QmiFunction extends UsbFunction {
    static final int SEND_ENCAPSULATED_COMMAND = Cdc.SEND_ENCAPSULATED_COMMAND;
    static final int GET_ENCAPSULATED_RESPONSE = Cdc.GET_ENCAPSULATED_RESPONSE;

    private final ControlStream stream;
    private final Deque<byte[]> responses = new ArrayDeque<>();
    private final byte[] notification;

    QmiFunction(UsbDeviceModel.Interface iface, Sender sender, QmiEngine engine) {
        this(iface, sender, new QmiStream(engine));
    }

    QmiFunction(UsbDeviceModel.Interface iface, Sender sender, ControlStream stream) {
        super(iface, sender);
        this.stream = stream;
        // bmRequestType a1 (class, interface, IN), RESPONSE_AVAILABLE, wValue 0, wIndex interface, wLength 0
        this.notification = new byte[] {(byte) 0xa1, 0x01, 0, 0, (byte) iface.number(), 0, 0, 0};
    }

    @Override
    byte[] control(ControlPacket c) {
        if (c.requestType() == 0x21 && c.request() == SEND_ENCAPSULATED_COMMAND) {
            synchronized (this) {
                // queued before the lock is released: a reset this request asked for waits for its answer
                for (byte[] message : stream.feed(c.data(), 0, c.data().length)) {
                    queue(message);
                }
            }
            return new byte[0];
        }
        if (c.requestType() == 0xa1 && c.request() == GET_ENCAPSULATED_RESPONSE) {
            return next(c.length());
        }
        return super.control(c);
    }

    private synchronized void queue(byte[] message) {
        responses.addLast(message);
        interrupt.post(notification);
        notifyAll();
    }

    /** One message, at most max bytes (the rest stays first in line). */
    private synchronized byte[] next(int max) {
        byte[] head = responses.pollFirst();
        if (head == null) {
            return new byte[0];
        }
        if (head.length > max) {
            responses.addFirst(Arrays.copyOfRange(head, max, head.length));
            head = Arrays.copyOf(head, max);
        }
        notifyAll();
        return head;
    }

    @Override
    synchronized void interruptReceiving(boolean start) {
        if (start) {
            interrupt.clear();
            for (int i = 0; i < responses.size(); i++) {
                interrupt.post(notification); // announce again what is still unread
            }
        }
        super.interruptReceiving(start);
    }

    /** Drops every unread answer and partial input (the function was reset). */
    synchronized void resetControl() {
        responses.clear();
        interrupt.clear();
        stream.reset();
        notifyAll();
    }

    /** Messages the host has not fetched yet. */
    synchronized int unread() {
        return responses.size();
    }

    /** Waits until the host fetched every queued message (false on timeout). */
    synchronized boolean awaitFetched(long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!responses.isEmpty()) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(Math.min(left, 50));
        }
        return true;
    }
}
