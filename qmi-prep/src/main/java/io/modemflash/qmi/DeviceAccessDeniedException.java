package io.modemflash.qmi;

/** The device node exists but this user may not open it (EACCES/EPERM). */
public class DeviceAccessDeniedException extends QmiException {
    public DeviceAccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
