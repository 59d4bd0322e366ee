package io.modemflash.qdl.link;

import java.io.IOException;

/** Another process (ModemManager, a second tool) holds the device or port. */
public class DeviceBusyException extends IOException {
    public DeviceBusyException(String message) {
        super(message);
    }
}
