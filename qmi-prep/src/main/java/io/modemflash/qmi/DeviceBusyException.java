package io.modemflash.qmi;

/** Another process holds the port exclusively (usually ModemManager). */
public class DeviceBusyException extends QmiException {
    public DeviceBusyException(String message) {
        super(message);
    }

    public DeviceBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
