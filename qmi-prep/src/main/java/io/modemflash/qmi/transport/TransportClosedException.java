package io.modemflash.qmi.transport;

import java.io.IOException;

/** The transport was closed locally, or the peer went away (EOF, device unplugged). */
public class TransportClosedException extends IOException {
    public TransportClosedException(String message) {
        super(message);
    }

    public TransportClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
