package io.modemflash.qdl.firehose;

import io.modemflash.qdl.ProtocolException;

/** A command the programmer's "Supported Functions" banner does not list: not sent at all. */
public class FirehoseUnsupportedException extends ProtocolException {
    public FirehoseUnsupportedException(String message) {
        super(message);
    }
}
