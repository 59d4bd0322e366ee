package io.modemflash.qdl.download;

import io.modemflash.qdl.ProtocolException;

/**
 * The device in download mode speaks another boot protocol than the package needs (e.g. an
 * EDL flat build offered to a Sierra QDL boot-and-hold): the package does not fit this device.
 */
public class WrongDeviceException extends ProtocolException {
    public WrongDeviceException(String message) {
        super(message);
    }
}
