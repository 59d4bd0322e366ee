package io.modemflash.qmi.prep;

import io.modemflash.qmi.QmiException;

/** Every QMI way into download mode was refused by the modem (each refusal is in the message). */
public final class NoDownloadMethodException extends QmiException {
    public NoDownloadMethodException(String message) {
        super(message);
    }
}
