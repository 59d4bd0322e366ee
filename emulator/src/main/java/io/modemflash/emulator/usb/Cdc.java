package io.modemflash.emulator.usb;

import io.modemflash.emulator.Profile;
import io.modemflash.emulator.mbim.MbimFunction;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Numbers and byte layouts of a CDC MBIM function (USB CDC 1.2, NCM 1.0, MBIM 1.0 chapter 6):
 * its functional descriptors, class requests and the NTB parameter structure. Pure: bytes out,
 * no I/O.
 */
public final class Cdc {
    private Cdc() {
    }

    public static final int COMMUNICATIONS_CLASS = 0x02;
    public static final int MBIM_SUBCLASS = 0x0e;
    /** CDC data interface class; protocol 02 is "network transfer block" (MBIM 1.0 6.6). */
    public static final int DATA_CLASS = 0x0a;
    public static final int MBIM_DATA_PROTOCOL = 0x02;
    /** RESPONSE_AVAILABLE is 8 bytes; 64 as Qualcomm parts announce. */
    static final int NOTIFICATION_PACKET = 64;

    // functional descriptors (bDescriptorType CS_INTERFACE)
    public static final int CS_INTERFACE = 0x24;
    public static final int HEADER = 0x00;
    public static final int UNION = 0x06;
    public static final int MBIM = 0x1b;
    public static final int MBIM_EXTENDED = 0x1c;

    // class requests (CDC 1.2 table 19, NCM 1.0 table 6-2, MBIM 1.0 table 6-2)
    public static final int SEND_ENCAPSULATED_COMMAND = 0x00;
    public static final int GET_ENCAPSULATED_RESPONSE = 0x01;
    public static final int RESET_FUNCTION = 0x05;
    public static final int GET_NTB_PARAMETERS = 0x80;
    public static final int GET_NTB_FORMAT = 0x83;
    public static final int SET_NTB_FORMAT = 0x84;
    public static final int GET_NTB_INPUT_SIZE = 0x85;
    public static final int SET_NTB_INPUT_SIZE = 0x86;
    public static final int GET_MAX_DATAGRAM_SIZE = 0x87;
    public static final int SET_MAX_DATAGRAM_SIZE = 0x88;

    /** What the MBIM functional descriptor announces (the values a Qualcomm 9x50 part reports). */
    public static final int MAX_CONTROL_MESSAGE = MbimFunction.MAX_CONTROL_MESSAGE;
    public static final int NUMBER_FILTERS = 16;
    public static final int MAX_FILTER_SIZE = 128;
    public static final int MAX_SEGMENT_SIZE = 2048;
    /** bmNetworkCapabilities bit 5: SET_NTB_INPUT_SIZE carries 8 bytes (size, max datagrams, reserved). */
    public static final int NCAP_NTB_INPUT_SIZE_8 = 0x20;
    public static final int NETWORK_CAPABILITIES = NCAP_NTB_INPUT_SIZE_8;
    public static final int MAX_OUTSTANDING_COMMANDS = 64;
    public static final int MTU = 1500;

    /** NTB parameters: 16-bit NTBs only (bmNtbFormatsSupported bit 0), sizes and alignment. */
    public static final int NTB_PARAMETERS_LENGTH = 28;
    public static final int NTB16 = 0x0001;
    public static final int NTB_IN_MAX_SIZE = 32768;
    public static final int NTB_OUT_MAX_SIZE = 32768;
    public static final int NDP_DIVISOR = 4;
    public static final int NDP_ALIGNMENT = 4;
    public static final int NTB_OUT_MAX_DATAGRAMS = 16;
    /** The smallest NTB input size a host may ask for (NCM 1.0 6.2.7: 2048). */
    public static final int NTB_IN_MIN_SIZE = 2048;

    /** Whether a profile interface is a CDC MBIM control interface (02/0e/00). */
    public static boolean isMbim(Profile.UsbInterface i) {
        return i.cls() == COMMUNICATIONS_CLASS && i.subClass() == MBIM_SUBCLASS;
    }

    /** Whether a USB interface is a CDC MBIM control interface (02/0e/00). */
    public static boolean isMbim(UsbDeviceModel.Interface i) {
        return i.cls() == COMMUNICATIONS_CLASS && i.subClass() == MBIM_SUBCLASS;
    }

    /**
     * The functional descriptors of an MBIM control interface: CDC Header (bcdCDC 1.10), Union
     * (control, data), MBIM (bcdMBIMVersion 1.00) and MBIM extended (1.00).
     */
    public static byte[] mbimControlDescriptors(int control, int data) {
        ByteBuffer b = ByteBuffer.allocate(5 + 5 + 12 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 5).put((byte) CS_INTERFACE).put((byte) HEADER).putShort((short) 0x0110);
        b.put((byte) 5).put((byte) CS_INTERFACE).put((byte) UNION).put((byte) control).put((byte) data);
        b.put((byte) 12).put((byte) CS_INTERFACE).put((byte) MBIM).putShort((short) 0x0100)
                .putShort((short) MAX_CONTROL_MESSAGE).put((byte) NUMBER_FILTERS).put((byte) MAX_FILTER_SIZE)
                .putShort((short) MAX_SEGMENT_SIZE).put((byte) NETWORK_CAPABILITIES);
        b.put((byte) 8).put((byte) CS_INTERFACE).put((byte) MBIM_EXTENDED).putShort((short) 0x0100)
                .put((byte) MAX_OUTSTANDING_COMMANDS).putShort((short) MTU);
        return b.array();
    }

    /** The NTB parameter structure GET_NTB_PARAMETERS answers (NCM 1.0 table 6-3). */
    public static byte[] ntbParameters() {
        return ByteBuffer.allocate(NTB_PARAMETERS_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) NTB_PARAMETERS_LENGTH)
                .putShort((short) NTB16)
                .putInt(NTB_IN_MAX_SIZE)
                .putShort((short) NDP_DIVISOR).putShort((short) 0).putShort((short) NDP_ALIGNMENT)
                .putShort((short) 0) // reserved
                .putInt(NTB_OUT_MAX_SIZE)
                .putShort((short) NDP_DIVISOR).putShort((short) 0).putShort((short) NDP_ALIGNMENT)
                .putShort((short) NTB_OUT_MAX_DATAGRAMS)
                .array();
    }
}
