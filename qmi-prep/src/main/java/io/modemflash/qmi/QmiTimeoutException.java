package io.modemflash.qmi;

/** The modem did not answer a request in time. */
public class QmiTimeoutException extends QmiException {
    public QmiTimeoutException(String message) {
        super(message);
    }
}
