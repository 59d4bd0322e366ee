package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.usbredir.UsbRedirMessage.InterruptPacket;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An interrupt IN endpoint. With usbredir the guest does not poll it packet by packet: it
 * starts receiving, and from then on the device sends each report as an interrupt_packet
 * (ids counting from 0) until the guest stops. Reports made while nobody receives wait, as
 * they would in the endpoint's buffer on real hardware.
 */
final class InterruptIn {
    private final int address;
    private final Sender sender;
    private final Deque<byte[]> pending = new ArrayDeque<>();
    private boolean receiving;
    private long nextId;

    InterruptIn(int address, Sender sender) {
        this.address = address;
        this.sender = sender;
    }

    int address() {
        return address;
    }

    synchronized void start() {
        receiving = true;
        nextId = 0;
        flush();
    }

    synchronized void stop() {
        receiving = false;
    }

    synchronized boolean receiving() {
        return receiving;
    }

    synchronized void post(byte[] report) {
        pending.addLast(report);
        flush();
    }

    /** Forgets reports not yet sent (their owner re-posts what still matters). */
    synchronized void clear() {
        pending.clear();
    }

    private void flush() {
        while (receiving && !pending.isEmpty()) {
            byte[] r = pending.pollFirst();
            sender.send(new InterruptPacket(nextId++, address, UsbRedir.STATUS_SUCCESS, r.length, r));
        }
    }

    /** The connection went away: the guest receives nothing until it starts again. */
    synchronized void forgetReceiver() {
        receiving = false;
    }
}
