package io.modemflash.updater.discovery;

import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.ExitCode;

/** A port did not show the awaited device in time (exit code: timeout). */
public final class DeviceWaitTimeoutException extends Failure {
    public DeviceWaitTimeoutException(String message) {
        super(ExitCode.TIMEOUT, message);
    }
}
