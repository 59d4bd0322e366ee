package io.modemflash.qdl.firehose;

import io.modemflash.qdl.ProtocolException;

/** A device document that is not the simple XML Firehose speaks (or tries DTD/entity tricks). */
public class FirehoseXmlException extends ProtocolException {
    public FirehoseXmlException(String message) {
        super(message);
    }
}
