package io.modemflash.qdl;

import java.io.IOException;

/**
 * The device answered something the protocol does not allow, refused a command (NAK, error
 * packet), or sent bytes that do not decode. Base of every codec and session failure.
 */
public class ProtocolException extends IOException {
    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
