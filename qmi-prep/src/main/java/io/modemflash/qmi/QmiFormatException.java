package io.modemflash.qmi;

/** Bytes that are not a well-formed QMUX frame, QMI SDU or TLV (truncated, overflowing, wrong kind). */
public class QmiFormatException extends QmiException {
    public QmiFormatException(String message) {
        super(message);
    }
}
