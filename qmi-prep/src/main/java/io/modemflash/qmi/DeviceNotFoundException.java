package io.modemflash.qmi;

/** The device path does not exist (unplugged, re-enumerated, typo). */
public class DeviceNotFoundException extends QmiException {
    public DeviceNotFoundException(String message) {
        super(message);
    }

    public DeviceNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
