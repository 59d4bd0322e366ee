package io.modemflash.qmi;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * QMI protocol error numbers carried in the result TLV (0x02) of every response. Numbers and
 * names follow libqmi's published {@code QmiProtocolError} enum (1.22+), so a technician can
 * search for the same name; gaps in the numbering are reserved values there too.
 */
public enum QmiProtocolError {
    NONE(0x0000),
    MALFORMED_MESSAGE(0x0001),
    NO_MEMORY(0x0002),
    INTERNAL(0x0003),
    ABORTED(0x0004),
    CLIENT_IDS_EXHAUSTED(0x0005),
    UNABORTABLE_TRANSACTION(0x0006),
    INVALID_CLIENT_ID(0x0007),
    NO_THRESHOLDS_PROVIDED(0x0008),
    INVALID_HANDLE(0x0009),
    INVALID_PROFILE(0x000A),
    INVALID_PIN_ID(0x000B),
    INCORRECT_PIN(0x000C),
    NO_NETWORK_FOUND(0x000D),
    CALL_FAILED(0x000E),
    OUT_OF_CALL(0x000F),
    NOT_PROVISIONED(0x0010),
    MISSING_ARGUMENT(0x0011),
    ARGUMENT_TOO_LONG(0x0013),
    INVALID_TRANSACTION_ID(0x0016),
    DEVICE_IN_USE(0x0017),
    NETWORK_UNSUPPORTED(0x0018),
    DEVICE_UNSUPPORTED(0x0019),
    NO_EFFECT(0x001A),
    NO_FREE_PROFILE(0x001B),
    INVALID_PDP_TYPE(0x001C),
    INVALID_TECHNOLOGY_PREFERENCE(0x001D),
    INVALID_PROFILE_TYPE(0x001E),
    INVALID_SERVICE_TYPE(0x001F),
    INVALID_REGISTER_ACTION(0x0020),
    INVALID_PS_ATTACH_ACTION(0x0021),
    AUTHENTICATION_FAILED(0x0022),
    PIN_BLOCKED(0x0023),
    PIN_ALWAYS_BLOCKED(0x0024),
    UIM_UNINITIALIZED(0x0025),
    MAXIMUM_QOS_REQUESTS_IN_USE(0x0026),
    INCORRECT_FLOW_FILTER(0x0027),
    NETWORK_QOS_UNAWARE(0x0028),
    INVALID_QOS_ID(0x0029),
    REQUESTED_NUMBER_UNSUPPORTED(0x002A),
    INTERFACE_NOT_FOUND(0x002B),
    FLOW_SUSPENDED(0x002C),
    INVALID_DATA_FORMAT(0x002D),
    GENERAL_ERROR(0x002E),
    UNKNOWN_ERROR(0x002F),
    INVALID_ARGUMENT(0x0030),
    INVALID_INDEX(0x0031),
    NO_ENTRY(0x0032),
    DEVICE_STORAGE_FULL(0x0033),
    DEVICE_NOT_READY(0x0034),
    NETWORK_NOT_READY(0x0035),
    WMS_CAUSE_CODE(0x0036),
    WMS_MESSAGE_NOT_SENT(0x0037),
    WMS_MESSAGE_DELIVERY_FAILURE(0x0038),
    WMS_INVALID_MESSAGE_ID(0x0039),
    WMS_ENCODING(0x003A),
    AUTHENTICATION_LOCK(0x003B),
    INVALID_TRANSITION(0x003C),
    NOT_MCAST_INTERFACE(0x003D),
    MAXIMUM_MCAST_REQUESTS_IN_USE(0x003E),
    INVALID_MCAST_HANDLE(0x003F),
    INVALID_IP_FAMILY_PREFERENCE(0x0040),
    SESSION_INACTIVE(0x0041),
    SESSION_INVALID(0x0042),
    SESSION_OWNERSHIP(0x0043),
    INSUFFICIENT_RESOURCES(0x0044),
    DISABLED(0x0045),
    INVALID_OPERATION(0x0046),
    INVALID_QMI_COMMAND(0x0047),
    WMS_T_PDU_TYPE(0x0048),
    WMS_SMSC_ADDRESS(0x0049),
    INFORMATION_UNAVAILABLE(0x004A),
    SEGMENT_TOO_LONG(0x004B),
    SEGMENT_ORDER(0x004C),
    BUNDLING_NOT_SUPPORTED(0x004D),
    OPERATION_PARTIAL_FAILURE(0x004E),
    POLICY_MISMATCH(0x004F),
    SIM_FILE_NOT_FOUND(0x0050),
    EXTENDED_INTERNAL(0x0051),
    ACCESS_DENIED(0x0052),
    HARDWARE_RESTRICTED(0x0053),
    ACK_NOT_SENT(0x0054),
    INJECT_TIMEOUT(0x0055),
    INCOMPATIBLE_STATE(0x005A),
    FDN_RESTRICT(0x005B),
    SUPS_FAILURE_CASE(0x005C),
    NO_RADIO(0x005D),
    NOT_SUPPORTED(0x005E),
    NO_SUBSCRIPTION(0x005F),
    CARD_CALL_CONTROL_FAILED(0x0060),
    NETWORK_ABORTED(0x0061),
    MSG_BLOCKED(0x0062),
    INVALID_SESSION_TYPE(0x0064),
    INVALID_PB_TYPE(0x0065),
    NO_SIM(0x0066),
    PB_NOT_READY(0x0067),
    PIN_RESTRICTION(0x0068),
    PIN2_RESTRICTION(0x0069),
    PUK_RESTRICTION(0x006A),
    PUK2_RESTRICTION(0x006B),
    PB_ACCESS_RESTRICTED(0x006C),
    PB_DELETE_IN_PROGRESS(0x006D),
    PB_TEXT_TOO_LONG(0x006E),
    PB_NUMBER_TOO_LONG(0x006F),
    PB_HIDDEN_KEY_RESTRICTION(0x0070),
    PB_NOT_AVAILABLE(0x0071),
    DEVICE_MEMORY_ERROR(0x0072),
    NO_PERMISSION(0x0073),
    TOO_SOON(0x0074),
    TIME_NOT_ACQUIRED(0x0075),
    OPERATION_IN_PROGRESS(0x0076),
    FW_WRITE_FAILED(0x0184),
    FW_INFO_READ_FAILED(0x0185),
    FW_FILE_NOT_FOUND(0x0186),
    FW_DIR_NOT_FOUND(0x0187),
    FW_ALREADY_ACTIVATED(0x0188),
    FW_CANNOT_GENERIC_IMAGE(0x0189),
    FW_FILE_OPEN_FAILED(0x0190),
    FW_UPDATE_DISCONTINUOUS_FRAME(0x0191),
    FW_UPDATE_FAILED(0x0192),
    CAT_EVENT_REGISTRATION_FAILED(0xF001),
    CAT_INVALID_TERMINAL_RESPONSE(0xF002),
    CAT_INVALID_ENVELOPE_COMMAND(0xF003),
    CAT_ENVELOPE_COMMAND_BUSY(0xF004),
    CAT_ENVELOPE_COMMAND_FAILED(0xF005);

    private static final Map<Integer, QmiProtocolError> BY_CODE = new HashMap<>();

    static {
        for (QmiProtocolError e : values()) {
            BY_CODE.put(e.code, e);
        }
    }

    private final int code;
    private final String nick;

    QmiProtocolError(int code) {
        this.code = code;
        this.nick = camel(name());
    }

    public int code() {
        return code;
    }

    /** CamelCase name as libqmi prints it, e.g. {@code ClientIdsExhausted}. */
    public String nick() {
        return nick;
    }

    public static Optional<QmiProtocolError> fromCode(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    /** "InvalidArgument (0x0030)", or "unknown QMI error 0x1234" for numbers outside the table. */
    public static String describe(int code) {
        QmiProtocolError e = BY_CODE.get(code);
        return e == null ? String.format("unknown QMI error 0x%04X", code) : String.format("%s (0x%04X)", e.nick, code);
    }

    private static String camel(String constant) {
        StringBuilder sb = new StringBuilder();
        for (String part : constant.split("_")) {
            sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }
}
