package io.modemflash.qdl.sahara;

import io.modemflash.qdl.ProtocolException;

/** Bytes that are not a valid Sahara packet (unknown command, bad header). */
public class SaharaPacketException extends ProtocolException {
    public SaharaPacketException(String message) {
        super(message);
    }
}
