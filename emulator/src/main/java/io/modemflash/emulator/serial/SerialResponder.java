package io.modemflash.emulator.serial;

/**
 * The device behind one of the modem's serial ports (AT, DM): takes what the host writes, in
 * whatever pieces it arrives, and says what the device sends back. Not thread-safe: one
 * responder per port, fed in order.
 */
public interface SerialResponder {

    /**
     * What the device sends back, and what it does once that was sent (e.g. AT!BOOTHOLD: "OK",
     * then the modem drops into boot-and-hold).
     */
    record Answer(byte[] bytes, Runnable then) {
        public static final Answer NONE = new Answer(new byte[0], null);

        public Answer {
            bytes = bytes == null ? new byte[0] : bytes;
        }
    }

    Answer received(byte[] data, int off, int len);
}
