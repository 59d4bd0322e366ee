package io.modemflash.updater.discovery;

import io.modemflash.updater.cli.CliFailure;
import io.modemflash.updater.cli.ExitCode;

/** A port did not show the awaited device in time (exit code: timeout). */
public final class DeviceWaitTimeoutException extends CliFailure {
    public DeviceWaitTimeoutException(String message) {
        super(ExitCode.TIMEOUT, message);
    }
}
