package io.modemflash.qmi;

/** The path exists but is not a QMI control port (not a character device, or no answer to CTL Sync). */
public class NotQmiPortException extends QmiException {
    public NotQmiPortException(String message) {
        super(message);
    }

    public NotQmiPortException(String message, Throwable cause) {
        super(message, cause);
    }
}
