package io.modemflash.qmi;

import java.util.Optional;

/** The modem answered a request with result status "failure" and a QMI protocol error. */
public class QmiErrorResponseException extends QmiException {
    private final int errorCode;
    private final int service;
    private final int messageId;

    public QmiErrorResponseException(int service, int messageId, int errorCode) {
        super(QmiMessageNames.messageName(service, messageId) + " failed: " + QmiProtocolError.describe(errorCode));
        this.errorCode = errorCode;
        this.service = service;
        this.messageId = messageId;
    }

    /** The raw error number from the result TLV. */
    public int errorCode() {
        return errorCode;
    }

    /** The error as a known enum constant; empty when the modem sent a number libqmi does not know. */
    public Optional<QmiProtocolError> error() {
        return QmiProtocolError.fromCode(errorCode);
    }

    public boolean is(QmiProtocolError e) {
        return e.code() == errorCode;
    }

    public int service() {
        return service;
    }

    public int messageId() {
        return messageId;
    }
}
