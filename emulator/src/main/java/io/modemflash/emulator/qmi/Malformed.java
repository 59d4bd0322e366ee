package io.modemflash.emulator.qmi;

import io.modemflash.emulator.FaultPlan.Malformation;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiService;

import java.util.Arrays;

/** Spoils a response the way broken firmware or a lossy link does (faults qmi-wrong-service, -overflow, -truncate). */
final class Malformed {
    /** How far the overflowing TLV reaches past the end of the message. */
    static final int OVERFLOW_BYTES = 16;

    private Malformed() {
    }

    static byte[] apply(Malformation kind, QmiMessage response) {
        return switch (kind) {
            case WRONG_SERVICE -> wrongService(response);
            case OVERFLOW -> overflow(response.encode(), response.sduHeaderLength());
            case TRUNCATE -> truncate(response.encode());
        };
    }

    /** Same client id, tid, message and TLVs, on a service the request was not sent to. */
    private static byte[] wrongService(QmiMessage m) {
        int other = m.service() == QmiService.WDS ? QmiService.NAS : QmiService.WDS;
        // the CTL tid is 8-bit, every other service's 16-bit: always fits
        return QmiMessage.response(other, m.clientId(), m.transactionId(), m.messageId(), m.tlvs()).encode();
    }

    /** The last TLV's length field grows; QMUX and SDU lengths stay right, so only a TLV reader notices. */
    private static byte[] overflow(byte[] frame, int sduHeader) {
        byte[] f = frame.clone();
        int p = 1 + 5 + sduHeader;
        int last = p;
        while (p + 3 <= f.length) {
            last = p;
            p += 3 + u16(f, p + 1);
        }
        int grown = u16(f, last + 1) + OVERFLOW_BYTES;
        f[last + 1] = (byte) grown;
        f[last + 2] = (byte) (grown >>> 8);
        return f;
    }

    /** The first half of the frame (at least its QMUX and SDU flags, so it reads as a frame start). */
    private static byte[] truncate(byte[] frame) {
        return Arrays.copyOf(frame, Math.max(8, frame.length / 2));
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }
}
