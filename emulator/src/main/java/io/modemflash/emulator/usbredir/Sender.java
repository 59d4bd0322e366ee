package io.modemflash.emulator.usbredir;

/** Where a device's answers go: the current usbredir connection (dropped while there is none). */
@FunctionalInterface
interface Sender {
    void send(UsbRedirMessage m);
}
