package io.modemflash.qdl.sahara;

import io.modemflash.qdl.ProtocolException;

/** The device ended a transfer or a command with a non-success Sahara status. */
public class SaharaStatusException extends ProtocolException {
    private final long status;

    public SaharaStatusException(String message, long status) {
        super(message);
        this.status = status;
    }

    public long status() {
        return status;
    }

    public SaharaStatus named() {
        return SaharaStatus.of(status);
    }
}
