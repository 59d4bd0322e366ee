package io.modemflash.qmi.transport;

import java.io.IOException;

/** The port talks, or ends, but never in QMUX: it is not a QMI port (QmiDevice reports NotQmiPortException). */
public class NotQmuxException extends IOException {
    public NotQmuxException(String message) {
        super(message);
    }
}
