package io.modemflash.qdl.hdlc;

import io.modemflash.qdl.ProtocolException;

/** Bytes that are not a valid HDLC frame or QDL message (bad CRC, escape, length, id). */
public class HdlcException extends ProtocolException {
    public HdlcException(String message) {
        super(message);
    }
}
