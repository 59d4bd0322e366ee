package io.modemflash.updater.api;

/**
 * The exception types of the library modules and the exit code each one means.
 * Extend this table when a module adds an exception type.
 */
final class ModuleFailures {
    private ModuleFailures() {
    }

    /** Returns null when the exception type is not one of ours. */
    static ExitCode classify(Throwable t) {
        // qmi-prep
        if (t instanceof io.modemflash.qmi.QmiFormatException || t instanceof io.modemflash.qmi.QmiErrorResponseException) {
            return ExitCode.PROTOCOL;
        }
        if (t instanceof io.modemflash.qmi.QmiTimeoutException) {
            return ExitCode.TIMEOUT;
        }
        if (t instanceof io.modemflash.qmi.DeviceBusyException) {
            return ExitCode.DEVICE_BUSY;
        }
        // a node we may not open is as unusable as a missing one; the message says what to do
        if (t instanceof io.modemflash.qmi.DeviceNotFoundException || t instanceof io.modemflash.qmi.NotQmiPortException
                || t instanceof io.modemflash.qmi.DeviceAccessDeniedException) {
            return ExitCode.DEVICE_NOT_FOUND;
        }
        if (t instanceof io.modemflash.qmi.DeviceGoneException) {
            return ExitCode.DEVICE_GONE;
        }
        // qdl (download mode): wrong port before protocol errors, its subclass
        if (t instanceof io.modemflash.qdl.NotInDownloadModeException
                || t instanceof io.modemflash.qdl.link.NoMatchingDeviceException) {
            return ExitCode.DEVICE_NOT_FOUND;
        }
        if (t instanceof io.modemflash.qdl.firehose.DigestMismatchException) {
            return ExitCode.VERIFY_MISMATCH;
        }
        if (t instanceof io.modemflash.qdl.firehose.NoSuchPartitionException) {
            return ExitCode.USAGE;
        }
        if (t instanceof io.modemflash.qdl.download.WrongDeviceException) {
            return ExitCode.WRONG_DEVICE;
        }
        if (t instanceof io.modemflash.qdl.ProtocolException) {
            return ExitCode.PROTOCOL;
        }
        if (t instanceof io.modemflash.qdl.link.LinkTimeoutException) {
            return ExitCode.TIMEOUT;
        }
        if (t instanceof io.modemflash.qdl.link.DeviceGoneException) {
            return ExitCode.DEVICE_GONE;
        }
        if (t instanceof io.modemflash.qdl.link.DeviceBusyException) {
            return ExitCode.DEVICE_BUSY;
        }
        // images
        if (t instanceof io.modemflash.images.BadPackageException) {
            return ExitCode.BAD_PACKAGE;
        }
        return null;
    }
}
