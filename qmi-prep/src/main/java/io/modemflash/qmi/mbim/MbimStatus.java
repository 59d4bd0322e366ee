package io.modemflash.qmi.mbim;

import java.util.Map;

/** MBIM status codes of OPEN_DONE/CLOSE_DONE/COMMAND_DONE and error codes of FUNCTION_ERROR (MBIM 1.0 9.4). */
public final class MbimStatus {
    private MbimStatus() {
    }

    public static final int SUCCESS = 0;
    public static final int BUSY = 1;
    public static final int FAILURE = 2;
    public static final int NO_DEVICE_SUPPORT = 9;
    public static final int INVALID_PARAMETERS = 21;
    public static final int OPERATION_NOT_ALLOWED = 28;

    /** FUNCTION_ERROR / HOST_ERROR codes. */
    public static final int ERROR_TIMEOUT_FRAGMENT = 1;
    public static final int ERROR_FRAGMENT_OUT_OF_SEQUENCE = 2;
    public static final int ERROR_LENGTH_MISMATCH = 3;
    public static final int ERROR_DUPLICATED_TID = 4;
    public static final int ERROR_NOT_OPENED = 5;
    public static final int ERROR_UNKNOWN = 6;
    public static final int ERROR_CANCEL = 7;
    public static final int ERROR_MAX_TRANSFER = 8;

    private static final Map<Integer, String> STATUS = Map.ofEntries(
            Map.entry(SUCCESS, "Success"), Map.entry(BUSY, "Busy"), Map.entry(FAILURE, "Failure"),
            Map.entry(3, "SimNotInserted"), Map.entry(4, "BadSim"), Map.entry(5, "PinRequired"),
            Map.entry(6, "PinDisabled"), Map.entry(7, "NotRegistered"), Map.entry(8, "ProvidersNotFound"),
            Map.entry(NO_DEVICE_SUPPORT, "NoDeviceSupport"), Map.entry(10, "ProviderNotVisible"),
            Map.entry(11, "DataClassNotAvailable"), Map.entry(12, "PacketServiceDetached"),
            Map.entry(INVALID_PARAMETERS, "InvalidParameters"), Map.entry(OPERATION_NOT_ALLOWED, "OperationNotAllowed"));

    private static final Map<Integer, String> ERRORS = Map.of(
            ERROR_TIMEOUT_FRAGMENT, "TimeoutFragment", ERROR_FRAGMENT_OUT_OF_SEQUENCE, "FragmentOutOfSequence",
            ERROR_LENGTH_MISMATCH, "LengthMismatch", ERROR_DUPLICATED_TID, "DuplicatedTid",
            ERROR_NOT_OPENED, "NotOpened", ERROR_UNKNOWN, "Unknown", ERROR_CANCEL, "Cancel",
            ERROR_MAX_TRANSFER, "MaxTransfer");

    /** "NoDeviceSupport", or "status 0x..." for codes outside the table. */
    public static String name(int status) {
        String n = STATUS.get(status);
        return n != null ? n : "status 0x" + Integer.toHexString(status);
    }

    /** "NotOpened", or "error 0x...". */
    public static String errorName(int error) {
        String n = ERRORS.get(error);
        return n != null ? n : "error 0x" + Integer.toHexString(error);
    }
}
