package io.modemflash.qmi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One QMUX frame with its QMI SDU: marker 0x01, u16 LE length (counted from itself), QMUX
 * flags (0x00 host to modem, 0x80 modem to host), service, client id; then the SDU header
 * (CTL: u8 flags, u8 tid; other services: u8 flags, u16 tid), u16 message id, u16 TLV
 * block length, and the TLVs.
 */
public record QmiMessage(int service, int clientId, boolean fromModem, MessageKind kind,
                         int transactionId, int messageId, List<Tlv> tlvs) {
    public static final int MARKER = 0x01;
    public static final int QMUX_FLAG_FROM_MODEM = 0x80;
    public static final int BROADCAST_CLIENT = 0xFF;
    /** marker + length + flags + service + client */
    public static final int QMUX_HEADER_LENGTH = 6;

    public QmiMessage {
        checkRange(service, 0xFF, "service");
        checkRange(clientId, 0xFF, "client id");
        checkRange(transactionId, service == QmiService.CTL ? 0xFF : 0xFFFF, "transaction id");
        checkRange(messageId, 0xFFFF, "message id");
        Objects.requireNonNull(kind, "kind");
        tlvs = List.copyOf(tlvs);
    }

    private static void checkRange(int v, int max, String what) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(what + " out of range: " + v);
        }
    }

    public static QmiMessage request(int service, int clientId, int tid, int messageId, List<Tlv> tlvs) {
        return new QmiMessage(service, clientId, false, MessageKind.REQUEST, tid, messageId, tlvs);
    }

    public static QmiMessage response(int service, int clientId, int tid, int messageId, List<Tlv> tlvs) {
        return new QmiMessage(service, clientId, true, MessageKind.RESPONSE, tid, messageId, tlvs);
    }

    public static QmiMessage indication(int service, int clientId, int tid, int messageId, List<Tlv> tlvs) {
        return new QmiMessage(service, clientId, true, MessageKind.INDICATION, tid, messageId, tlvs);
    }

    /** The response to this request: same service, client, tid and message id; result TLV first. */
    public QmiMessage respond(QmiResult result, List<Tlv> payload) {
        List<Tlv> all = new ArrayList<>(payload.size() + 1);
        all.add(result.toTlv());
        all.addAll(payload);
        return response(service, clientId, transactionId, messageId, all);
    }

    public int sduHeaderLength() {
        return sduHeaderLength(service);
    }

    public static int sduHeaderLength(int service) {
        return service == QmiService.CTL ? 6 : 7;
    }

    public byte[] encode() {
        int tlvLen = 0;
        for (Tlv t : tlvs) {
            tlvLen += t.encodedLength();
        }
        int total = QMUX_HEADER_LENGTH + sduHeaderLength() + tlvLen;
        if (total - 1 > 0xFFFF) {
            throw new IllegalArgumentException("QMI message too long: " + total + " bytes");
        }
        byte[] b = new byte[total];
        int p = 0;
        b[p++] = MARKER;
        p = put16(b, p, total - 1);
        b[p++] = (byte) (fromModem ? QMUX_FLAG_FROM_MODEM : 0);
        b[p++] = (byte) service;
        b[p++] = (byte) clientId;
        b[p++] = (byte) kind.flag(service);
        if (service == QmiService.CTL) {
            b[p++] = (byte) transactionId;
        } else {
            p = put16(b, p, transactionId);
        }
        p = put16(b, p, messageId);
        p = put16(b, p, tlvLen);
        for (Tlv t : tlvs) {
            byte[] v = t.value();
            b[p++] = (byte) t.type();
            p = put16(b, p, v.length);
            System.arraycopy(v, 0, b, p, v.length);
            p += v.length;
        }
        return b;
    }

    private static int put16(byte[] b, int p, int v) {
        b[p] = (byte) v;
        b[p + 1] = (byte) (v >>> 8);
        return p + 2;
    }

    private static int get16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }

    /** Decodes exactly one whole QMUX frame (as the framer delivers it, or one cdc-wdm read). */
    public static QmiMessage decode(byte[] frame) throws QmiFormatException {
        if (frame.length < QMUX_HEADER_LENGTH) {
            throw new QmiFormatException("QMUX frame too short: " + frame.length + " byte(s), the header alone needs 6");
        }
        if ((frame[0] & 0xFF) != MARKER) {
            throw new QmiFormatException("not a QMUX frame: first byte 0x" + Hex.u8(frame[0]) + ", expected 0x01");
        }
        int length = get16(frame, 1);
        if (length + 1 != frame.length) {
            throw new QmiFormatException("QMUX length field says " + (length + 1) + " bytes, frame has " + frame.length);
        }
        int qmuxFlags = frame[3] & 0xFF;
        if (qmuxFlags != 0 && qmuxFlags != QMUX_FLAG_FROM_MODEM) {
            throw new QmiFormatException("unknown QMUX flags 0x" + Hex.u8(qmuxFlags) + " (expected 00 or 80)");
        }
        int service = frame[4] & 0xFF;
        int client = frame[5] & 0xFF;
        return decodeSdu(service, client, qmuxFlags == QMUX_FLAG_FROM_MODEM, frame, QMUX_HEADER_LENGTH, frame.length);
    }

    /** Decodes a bare QMI SDU (no QMUX header), e.g. as GobiNet delivers it. */
    public static QmiMessage decodeSdu(int service, int clientId, boolean fromModem, byte[] sdu) throws QmiFormatException {
        return decodeSdu(service, clientId, fromModem, sdu, 0, sdu.length);
    }

    private static QmiMessage decodeSdu(int service, int client, boolean fromModem, byte[] b, int from, int to)
            throws QmiFormatException {
        int hdr = sduHeaderLength(service);
        int size = to - from;
        if (size < hdr) {
            throw new QmiFormatException("QMI " + QmiService.name(service) + " message too short: " + size
                    + " byte(s), the header needs " + hdr);
        }
        int p = from;
        MessageKind kind = MessageKind.fromFlag(service, b[p++] & 0xFF);
        int tid;
        if (service == QmiService.CTL) {
            tid = b[p++] & 0xFF;
        } else {
            tid = get16(b, p);
            p += 2;
        }
        int msgId = get16(b, p);
        int tlvLen = get16(b, p + 2);
        p += 4;
        if (tlvLen != to - p) {
            throw new QmiFormatException("QMI TLV block length says " + tlvLen + " byte(s), message holds " + (to - p));
        }
        List<Tlv> tlvs = new ArrayList<>();
        while (p < to) {
            if (to - p < 3) {
                throw new QmiFormatException("truncated TLV header at offset " + (p - from) + " of the QMI message");
            }
            int type = b[p] & 0xFF;
            int len = get16(b, p + 1);
            p += 3;
            if (len > to - p) {
                throw new QmiFormatException(String.format("TLV 0x%02X claims %d byte(s), only %d left in the message",
                        type, len, to - p));
            }
            byte[] v = new byte[len];
            System.arraycopy(b, p, v, 0, len);
            p += len;
            tlvs.add(new Tlv(type, v));
        }
        return new QmiMessage(service, client, fromModem, kind, tid, msgId, Collections.unmodifiableList(tlvs));
    }

    public java.util.Optional<Tlv> tlv(int type) {
        return Tlvs.find(tlvs, type);
    }

    /** The result TLV of a response; empty when absent. */
    public java.util.Optional<QmiResult> result() throws QmiFormatException {
        return QmiResult.find(tlvs);
    }

    /** Throws {@link QmiErrorResponseException} when this response reports failure; a missing result is malformed. */
    public void checkResult() throws QmiException {
        QmiResult r = result().orElseThrow(() -> new QmiFormatException(
                QmiMessageNames.messageName(service, messageId) + " response has no result TLV 0x02"));
        if (!r.isSuccess()) {
            throw new QmiErrorResponseException(service, messageId, r.errorCode());
        }
    }

    /** One-line summary for traces: "DMS Get Model response cid 1 tid 2 [TLVs 02 01]". */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(QmiMessageNames.messageName(service, messageId)).append(' ').append(kind.label())
                .append(" cid ").append(clientId).append(" tid ").append(transactionId);
        if (!tlvs.isEmpty()) {
            sb.append(" TLVs");
            for (Tlv t : tlvs) {
                sb.append(" 0x").append(Hex.u8(t.type()));
            }
        }
        return sb.toString();
    }
}
