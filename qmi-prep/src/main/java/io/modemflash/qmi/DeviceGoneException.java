package io.modemflash.qmi;

/** The port went away while in use (unplugged, modem reset, qmi-proxy died). */
public class DeviceGoneException extends QmiException {
    public DeviceGoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
