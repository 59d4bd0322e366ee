package io.modemflash.qdl.link;

import java.io.IOException;

/** Nothing (or not enough) arrived from the device within the allowed time. */
public class LinkTimeoutException extends IOException {
    public LinkTimeoutException(String message) {
        super(message);
    }
}
