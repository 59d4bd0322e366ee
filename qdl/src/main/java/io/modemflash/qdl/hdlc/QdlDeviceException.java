package io.modemflash.qdl.hdlc;

import io.modemflash.qdl.ProtocolException;

/** The device answered with a QDL error message or a non-zero status. */
public class QdlDeviceException extends ProtocolException {
    private final long code;

    public QdlDeviceException(String message, long code) {
        super(message);
        this.code = code;
    }

    /** The QDL error code or status, see {@link QdlError}. */
    public long code() {
        return code;
    }
}
