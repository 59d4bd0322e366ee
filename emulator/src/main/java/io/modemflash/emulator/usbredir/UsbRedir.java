package io.modemflash.emulator.usbredir;

/**
 * Numbers of the usbredir protocol (spice usbredir, docs/usb-redirection-protocol.md, version
 * 0.7): packet types, capability bits, status codes, speeds, endpoint types. All integers on
 * the wire are little-endian and every struct is packed.
 */
public final class UsbRedir {
    private UsbRedir() {
    }

    // ---------------------------------------------------------------- packet types
    public static final int HELLO = 0;
    public static final int DEVICE_CONNECT = 1;
    public static final int DEVICE_DISCONNECT = 2;
    public static final int RESET = 3;
    public static final int INTERFACE_INFO = 4;
    public static final int EP_INFO = 5;
    public static final int SET_CONFIGURATION = 6;
    public static final int GET_CONFIGURATION = 7;
    public static final int CONFIGURATION_STATUS = 8;
    public static final int SET_ALT_SETTING = 9;
    public static final int GET_ALT_SETTING = 10;
    public static final int ALT_SETTING_STATUS = 11;
    public static final int START_ISO_STREAM = 12;
    public static final int STOP_ISO_STREAM = 13;
    public static final int ISO_STREAM_STATUS = 14;
    public static final int START_INTERRUPT_RECEIVING = 15;
    public static final int STOP_INTERRUPT_RECEIVING = 16;
    public static final int INTERRUPT_RECEIVING_STATUS = 17;
    public static final int ALLOC_BULK_STREAMS = 18;
    public static final int FREE_BULK_STREAMS = 19;
    public static final int BULK_STREAMS_STATUS = 20;
    public static final int CANCEL_DATA_PACKET = 21;
    public static final int FILTER_REJECT = 22;
    public static final int FILTER_FILTER = 23;
    public static final int DEVICE_DISCONNECT_ACK = 24;
    public static final int START_BULK_RECEIVING = 25;
    public static final int STOP_BULK_RECEIVING = 26;
    public static final int BULK_RECEIVING_STATUS = 27;
    public static final int CONTROL_PACKET = 100;
    public static final int BULK_PACKET = 101;
    public static final int ISO_PACKET = 102;
    public static final int INTERRUPT_PACKET = 103;
    public static final int BUFFERED_BULK_PACKET = 104;

    // ---------------------------------------------------------------- capability bits
    public static final int CAP_BULK_STREAMS = 0;
    public static final int CAP_CONNECT_DEVICE_VERSION = 1;
    public static final int CAP_FILTER = 2;
    public static final int CAP_DEVICE_DISCONNECT_ACK = 3;
    public static final int CAP_EP_INFO_MAX_PACKET_SIZE = 4;
    public static final int CAP_64BITS_IDS = 5;
    public static final int CAP_32BITS_BULK_LENGTH = 6;
    public static final int CAP_BULK_RECEIVING = 7;

    /**
     * What the emulator's device side announces: what QEMU's xHCI needs (max packet size in
     * ep_info, 64-bit ids, 32-bit bulk lengths), the device version in device_connect and the
     * disconnect ack that makes re-enumeration on one connection race-free. No bulk streams
     * (USB 3 only), no filters, no buffered bulk input (QEMU uses it only for FTDI-like serial
     * quirks; a modem's bulk IN is command/response).
     */
    public static final int DEVICE_CAPS = bit(CAP_CONNECT_DEVICE_VERSION) | bit(CAP_DEVICE_DISCONNECT_ACK)
            | bit(CAP_EP_INFO_MAX_PACKET_SIZE) | bit(CAP_64BITS_IDS) | bit(CAP_32BITS_BULK_LENGTH);

    public static int bit(int cap) {
        return 1 << cap;
    }

    // ---------------------------------------------------------------- status codes
    public static final int STATUS_SUCCESS = 0;
    public static final int STATUS_CANCELLED = 1;
    public static final int STATUS_INVAL = 2;
    public static final int STATUS_IOERROR = 3;
    public static final int STATUS_STALL = 4;
    public static final int STATUS_TIMEOUT = 5;
    public static final int STATUS_BABBLE = 6;

    // ---------------------------------------------------------------- speeds
    public static final int SPEED_LOW = 0;
    public static final int SPEED_FULL = 1;
    public static final int SPEED_HIGH = 2;
    public static final int SPEED_SUPER = 3;

    // ---------------------------------------------------------------- endpoint types (as in USB)
    public static final int EP_CONTROL = 0;
    public static final int EP_ISO = 1;
    public static final int EP_BULK = 2;
    public static final int EP_INTERRUPT = 3;
    public static final int EP_INVALID = 255;

    /** Endpoint slots in ep_info: OUT 0-15 then IN 0-15. */
    public static final int ENDPOINTS = 32;

    /** Largest bulk transfer a peer may announce (the reference parser's limit). */
    public static final long MAX_BULK_LENGTH = 128L << 20;

    /** The ep_info slot of an endpoint address (0x81 -> 17). */
    public static int slot(int endpointAddress) {
        return ((endpointAddress & 0x80) >> 3) | (endpointAddress & 0x0f);
    }

    /** The endpoint address of an ep_info slot (17 -> 0x81). */
    public static int address(int slot) {
        return ((slot & 0x10) << 3) | (slot & 0x0f);
    }

    public static String typeName(int type) {
        return switch (type) {
            case HELLO -> "hello";
            case DEVICE_CONNECT -> "device_connect";
            case DEVICE_DISCONNECT -> "device_disconnect";
            case RESET -> "reset";
            case INTERFACE_INFO -> "interface_info";
            case EP_INFO -> "ep_info";
            case SET_CONFIGURATION -> "set_configuration";
            case GET_CONFIGURATION -> "get_configuration";
            case CONFIGURATION_STATUS -> "configuration_status";
            case SET_ALT_SETTING -> "set_alt_setting";
            case GET_ALT_SETTING -> "get_alt_setting";
            case ALT_SETTING_STATUS -> "alt_setting_status";
            case START_ISO_STREAM -> "start_iso_stream";
            case STOP_ISO_STREAM -> "stop_iso_stream";
            case ISO_STREAM_STATUS -> "iso_stream_status";
            case START_INTERRUPT_RECEIVING -> "start_interrupt_receiving";
            case STOP_INTERRUPT_RECEIVING -> "stop_interrupt_receiving";
            case INTERRUPT_RECEIVING_STATUS -> "interrupt_receiving_status";
            case ALLOC_BULK_STREAMS -> "alloc_bulk_streams";
            case FREE_BULK_STREAMS -> "free_bulk_streams";
            case BULK_STREAMS_STATUS -> "bulk_streams_status";
            case CANCEL_DATA_PACKET -> "cancel_data_packet";
            case FILTER_REJECT -> "filter_reject";
            case FILTER_FILTER -> "filter_filter";
            case DEVICE_DISCONNECT_ACK -> "device_disconnect_ack";
            case START_BULK_RECEIVING -> "start_bulk_receiving";
            case STOP_BULK_RECEIVING -> "stop_bulk_receiving";
            case BULK_RECEIVING_STATUS -> "bulk_receiving_status";
            case CONTROL_PACKET -> "control_packet";
            case BULK_PACKET -> "bulk_packet";
            case ISO_PACKET -> "iso_packet";
            case INTERRUPT_PACKET -> "interrupt_packet";
            case BUFFERED_BULK_PACKET -> "buffered_bulk_packet";
            default -> "type " + type;
        };
    }
}
