package io.modemflash.qdl.link;

import java.io.IOException;

/** No download-mode device matched the selection (port path, serial, tty). */
public class NoMatchingDeviceException extends IOException {
    public NoMatchingDeviceException(String message) {
        super(message);
    }
}
