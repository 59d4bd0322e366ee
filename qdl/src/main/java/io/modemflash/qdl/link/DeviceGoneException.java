package io.modemflash.qdl.link;

import java.io.IOException;

/** The device vanished (unplugged, re-enumerated, reset) or the link was closed under us. */
public class DeviceGoneException extends IOException {
    public DeviceGoneException(String message) {
        super(message);
    }

    public DeviceGoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
