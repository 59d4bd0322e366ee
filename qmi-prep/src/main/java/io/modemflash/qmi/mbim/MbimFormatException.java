package io.modemflash.qmi.mbim;

import io.modemflash.qmi.QmiFormatException;

/** Bytes that are not a well-formed MBIM message (or fragment). */
public final class MbimFormatException extends QmiFormatException {
    public MbimFormatException(String message) {
        super(message);
    }
}
