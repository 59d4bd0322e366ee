package io.modemflash.qmi;

/** A well-formed message that does not answer what was asked (wrong service, client or message id). */
public class QmiUnexpectedResponseException extends QmiFormatException {
    public QmiUnexpectedResponseException(String message) {
        super(message);
    }
}
