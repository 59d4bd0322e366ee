package io.modemflash.qmi;

/** Base of every QMI failure. Messages are one line a technician can act on. */
public class QmiException extends Exception {
    public QmiException(String message) {
        super(message);
    }

    public QmiException(String message, Throwable cause) {
        super(message, cause);
    }
}
