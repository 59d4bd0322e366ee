package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.mbim.MbimFunction;
import io.modemflash.emulator.usb.Cdc;
import io.modemflash.emulator.usb.UsbDeviceModel;
import io.modemflash.emulator.usbredir.UsbRedirMessage.ControlPacket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The communication interface of a CDC MBIM function (what cdc_mbim binds): MBIM messages
 * travel in SEND_ENCAPSULATED_COMMAND / GET_ENCAPSULATED_RESPONSE with RESPONSE_AVAILABLE
 * notifications, the cdc-wdm way of {@link QmiFunction}, to an {@link MbimFunction}; the NCM
 * class requests the host's network driver sends while binding (MBIM 1.0 6.2, NCM 1.0 6.2)
 * are answered from the NTB parameters the function announces: GET_NTB_PARAMETERS,
 * GET/SET_NTB_INPUT_SIZE (8 bytes, as bmNetworkCapabilities bit 5 announces),
 * GET/SET_NTB_FORMAT (16-bit only), GET/SET_MAX_DATAGRAM_SIZE and RESET_FUNCTION. What a
 * function must refuse (an input size outside the parameters, 32-bit NTBs, a datagram larger
 * than wMaxSegmentSize, a wrong length) STALLs.
 */
final class MbimControlFunction extends QmiFunction {
    private static final int NTB_INPUT_SIZE_LENGTH = 8;

    private final MbimFunction mbim;
    private int ntbInputSize = Cdc.NTB_IN_MAX_SIZE;
    private int maxDatagrams;
    private int maxDatagramSize = Cdc.MAX_SEGMENT_SIZE;

    MbimControlFunction(UsbDeviceModel.Interface iface, Sender sender, MbimFunction mbim) {
        super(iface, sender, mbim);
        this.mbim = mbim;
    }

    @Override
    byte[] control(ControlPacket c) {
        boolean in = c.requestType() == 0xa1;
        boolean out = c.requestType() == 0x21;
        if (!in && !out) {
            return null;
        }
        switch (c.request()) {
            case Cdc.GET_NTB_PARAMETERS:
                return in && c.value() == 0 ? Cdc.ntbParameters() : null;
            case Cdc.GET_NTB_INPUT_SIZE:
                return in ? ntbInputSize() : null;
            case Cdc.SET_NTB_INPUT_SIZE:
                return out && setNtbInputSize(c.data()) ? new byte[0] : null;
            case Cdc.GET_NTB_FORMAT:
                return in ? new byte[] {0, 0} : null; // 16-bit NTBs
            case Cdc.SET_NTB_FORMAT:
                return out && c.value() == 0 && c.data().length == 0 ? new byte[0] : null;
            case Cdc.GET_MAX_DATAGRAM_SIZE:
                return in ? le16(maxDatagramSize()) : null;
            case Cdc.SET_MAX_DATAGRAM_SIZE:
                return out && setMaxDatagramSize(c.data()) ? new byte[0] : null;
            case Cdc.RESET_FUNCTION:
                if (!out || c.data().length != 0) {
                    return null;
                }
                resetFunction();
                return new byte[0];
            default:
                return super.control(c);
        }
    }

    private synchronized byte[] ntbInputSize() {
        return ByteBuffer.allocate(NTB_INPUT_SIZE_LENGTH).order(ByteOrder.LITTLE_ENDIAN).putInt(ntbInputSize)
                .putShort((short) maxDatagrams).putShort((short) 0).array();
    }

    private synchronized boolean setNtbInputSize(byte[] d) {
        if (d.length != NTB_INPUT_SIZE_LENGTH) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        long size = b.getInt() & 0xffffffffL;
        if (size < Cdc.NTB_IN_MIN_SIZE || size > Cdc.NTB_IN_MAX_SIZE) {
            return false;
        }
        ntbInputSize = (int) size;
        maxDatagrams = b.getShort() & 0xffff;
        return true;
    }

    private synchronized int maxDatagramSize() {
        return maxDatagramSize;
    }

    private synchronized boolean setMaxDatagramSize(byte[] d) {
        if (d.length != 2) {
            return false;
        }
        int size = (d[0] & 0xff) | (d[1] & 0xff) << 8;
        if (size == 0 || size > Cdc.MAX_SEGMENT_SIZE) {
            return false;
        }
        maxDatagramSize = size;
        return true;
    }

    /**
     * RESET_FUNCTION: back to the state after enumeration (MBIM 1.0 6.2.6): MBIM closed, unread
     * answers and partial input dropped, NTB settings at their defaults.
     */
    private void resetFunction() {
        synchronized (this) {
            ntbInputSize = Cdc.NTB_IN_MAX_SIZE;
            maxDatagrams = 0;
            maxDatagramSize = Cdc.MAX_SEGMENT_SIZE;
            resetControl();
            mbim.resetFunction(); // under the lock SEND_ENCAPSULATED_COMMAND feeds the function with
        }
    }

    private static byte[] le16(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8)};
    }
}
