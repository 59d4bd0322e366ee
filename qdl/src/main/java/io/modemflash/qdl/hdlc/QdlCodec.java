package io.modemflash.qdl.hdlc;

import io.modemflash.qdl.hdlc.QdlMessage.CloseRsp;
import io.modemflash.qdl.hdlc.QdlMessage.CloseUnframed;
import io.modemflash.qdl.hdlc.QdlMessage.DiagBadCommand;
import io.modemflash.qdl.hdlc.QdlMessage.DloadAck;
import io.modemflash.qdl.hdlc.QdlMessage.DloadSdp;
import io.modemflash.qdl.hdlc.QdlMessage.Error;
import io.modemflash.qdl.hdlc.QdlMessage.Hello;
import io.modemflash.qdl.hdlc.QdlMessage.HelloRsp;
import io.modemflash.qdl.hdlc.QdlMessage.OpenRsp;
import io.modemflash.qdl.hdlc.QdlMessage.OpenUnframed;
import io.modemflash.qdl.hdlc.QdlMessage.Reset;
import io.modemflash.qdl.hdlc.QdlMessage.WriteRsp;
import io.modemflash.qdl.hdlc.QdlMessage.WriteUnframedHeader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Pure encoder/decoder of QDL message payloads (what goes inside an HDLC frame, or, for the
 * write-unframed header, what goes on the wire as is). No I/O.
 */
public final class QdlCodec {
    public static final int MAGIC_LENGTH = 32;
    public static final int HELLO_LENGTH = 36;
    public static final int HELLO_RSP_LENGTH = 49;
    public static final int OPEN_FIXED_LENGTH = 13;
    public static final int WRITE_HEADER_LENGTH = 13;
    public static final int WRITE_RSP_LENGTH = 9;
    public static final int OPEN_RSP_LENGTH = 8;
    public static final int CLOSE_RSP_LENGTH = 5;
    public static final int ERROR_MIN_LENGTH = 6; // as we send it; a device may omit the text byte

    private QdlCodec() {
    }

    /** The payload of a message (not framed). */
    public static byte[] encode(QdlMessage m) {
        if (m instanceof DloadSdp) {
            return new byte[] {QdlMessage.CMD_DLOAD_SDP, 0, 0};
        } else if (m instanceof DloadAck) {
            return new byte[] {QdlMessage.CMD_ACK};
        } else if (m instanceof Hello h) {
            return le(HELLO_LENGTH).put((byte) QdlMessage.CMD_HELLO).put(magic(h.magic()))
                    .put((byte) h.maxVersion()).put((byte) h.minVersion()).put((byte) h.features()).array();
        } else if (m instanceof HelloRsp r) {
            return le(HELLO_RSP_LENGTH).put((byte) QdlMessage.CMD_HELLO_RSP).put(magic(r.magic()))
                    .put((byte) r.maxVersion()).put((byte) r.minVersion()).putInt((int) r.reserved1())
                    .putInt((int) r.reserved2()).put((byte) r.reserved3()).putShort((short) r.reserved4())
                    .putShort((short) r.reserved5()).put((byte) r.features()).array();
        } else if (m instanceof Error e) {
            return le(ERROR_MIN_LENGTH).put((byte) QdlMessage.CMD_ERROR).putInt((int) e.code()).put((byte) e.text()).array();
        } else if (m instanceof DiagBadCommand d) {
            byte[] out = new byte[1 + d.echoed().length];
            out[0] = QdlMessage.CMD_DIAG_BAD_COMMAND;
            System.arraycopy(d.echoed(), 0, out, 1, d.echoed().length);
            return out;
        } else if (m instanceof OpenUnframed o) {
            return le(OPEN_FIXED_LENGTH + o.header().length).put((byte) QdlMessage.CMD_OPEN_UNFRAMED)
                    .put((byte) o.imageType()).putInt((int) o.length()).put((byte) o.window())
                    .putInt((int) o.chunkSize()).putShort((short) 0).put(o.header()).array();
        } else if (m instanceof OpenRsp o) {
            return le(OPEN_RSP_LENGTH).put((byte) QdlMessage.CMD_OPEN_RSP).putShort((short) o.status())
                    .put((byte) o.window()).putInt((int) o.chunkSize()).array();
        } else if (m instanceof WriteUnframedHeader w) {
            byte[] out = new byte[WRITE_HEADER_LENGTH];
            writeHeader(out, 0, w.sequence(), w.chunkSize());
            return out;
        } else if (m instanceof WriteRsp w) {
            return le(WRITE_RSP_LENGTH).put((byte) QdlMessage.CMD_WRITE_RSP).putShort((short) w.sequence())
                    .putInt((int) w.reserved()).putShort((short) w.status()).array();
        } else if (m instanceof CloseUnframed) {
            return new byte[] {QdlMessage.CMD_CLOSE};
        } else if (m instanceof CloseRsp c) {
            return le(CLOSE_RSP_LENGTH).put((byte) QdlMessage.CMD_CLOSE_RSP).putShort((short) c.status())
                    .put((byte) c.imageType()).put((byte) c.errorText()).array();
        } else if (m instanceof Reset) {
            return new byte[] {QdlMessage.CMD_RESET};
        }
        throw new IllegalArgumentException("unknown message " + m);
    }

    /**
     * Writes the 13-byte unframed write header in place (used by the streaming path so the
     * header and its chunk leave in one write): cmd, seq u16, reserved u32, size u32, CRC16 LE.
     */
    public static void writeHeader(byte[] dst, int off, int sequence, long chunkSize) {
        ByteBuffer b = ByteBuffer.wrap(dst, off, WRITE_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) QdlMessage.CMD_WRITE_UNFRAMED).putShort((short) sequence).putInt(0).putInt((int) chunkSize);
        int crc = Crc16.compute(dst, off, 11);
        b.putShort((short) crc);
    }

    /** Frames a message for the wire (everything but the write-unframed header is framed). */
    public static byte[] toWire(QdlMessage m) {
        byte[] payload = encode(m);
        return m instanceof WriteUnframedHeader ? payload : Hdlc.frame(payload);
    }

    /** Decodes one unframed payload. Lengths are checked exactly; hostile bytes give an HdlcException. */
    public static QdlMessage decode(byte[] p) throws HdlcException {
        if (p.length == 0) {
            throw new HdlcException("empty QDL message");
        }
        int cmd = p[0] & 0xff;
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        b.get();
        switch (cmd) {
            case QdlMessage.CMD_HELLO:
                exact(p, HELLO_LENGTH, "hello");
                return new Hello(magic(b), b.get() & 0xff, b.get() & 0xff, b.get() & 0xff);
            case QdlMessage.CMD_HELLO_RSP: // 02 is both the DLOAD ACK (1 byte) and the hello response (49)
                if (p.length == 1) {
                    return new DloadAck();
                }
                exact(p, HELLO_RSP_LENGTH, "hello response");
                return new HelloRsp(magic(b), b.get() & 0xff, b.get() & 0xff, u32(b), u32(b), b.get() & 0xff,
                        b.getShort() & 0xffff, b.getShort() & 0xffff, b.get() & 0xff);
            case QdlMessage.CMD_ERROR:
                if (p.length < ERROR_MIN_LENGTH - 1) {
                    throw new HdlcException("QDL error message too short: " + p.length + " bytes, need at least 5");
                }
                long code = u32(b);
                return new Error(code, b.hasRemaining() ? b.get() & 0xff : 0);
            case QdlMessage.CMD_DIAG_BAD_COMMAND:
                return new DiagBadCommand(Arrays.copyOfRange(p, 1, p.length));
            case QdlMessage.CMD_OPEN_UNFRAMED: {
                if (p.length < OPEN_FIXED_LENGTH) {
                    throw new HdlcException("QDL open-unframed too short: " + p.length + " bytes, need at least 13");
                }
                int type = b.get() & 0xff;
                long len = u32(b);
                int window = b.get() & 0xff;
                long chunk = u32(b);
                b.getShort();
                return new OpenUnframed(type, len, window, chunk, Arrays.copyOfRange(p, OPEN_FIXED_LENGTH, p.length));
            }
            case QdlMessage.CMD_OPEN_RSP:
                exact(p, OPEN_RSP_LENGTH, "open response");
                return new OpenRsp(b.getShort() & 0xffff, b.get() & 0xff, u32(b));
            case QdlMessage.CMD_WRITE_UNFRAMED: {
                exact(p, WRITE_HEADER_LENGTH, "write-unframed header");
                int seq = b.getShort() & 0xffff;
                b.getInt();
                long size = u32(b);
                int crc = b.getShort() & 0xffff;
                int want = Crc16.compute(p, 0, 11);
                if (crc != want) {
                    throw new HdlcException(String.format("QDL write header bad CRC: got %04X, computed %04X", crc, want));
                }
                return new WriteUnframedHeader(seq, size);
            }
            case QdlMessage.CMD_WRITE_RSP:
                exact(p, WRITE_RSP_LENGTH, "write response");
                return new WriteRsp(b.getShort() & 0xffff, u32(b), b.getShort() & 0xffff);
            case QdlMessage.CMD_CLOSE:
                exact(p, 1, "close");
                return new CloseUnframed();
            case QdlMessage.CMD_CLOSE_RSP:
                exact(p, CLOSE_RSP_LENGTH, "close response");
                return new CloseRsp(b.getShort() & 0xffff, b.get() & 0xff, b.get() & 0xff);
            case QdlMessage.CMD_RESET:
                exact(p, 1, "reset");
                return new Reset();
            case QdlMessage.CMD_DLOAD_SDP:
                exact(p, 3, "DLOAD SDP");
                return new DloadSdp();
            default:
                throw new HdlcException(String.format("unknown QDL command 0x%02X (%d bytes)", cmd, p.length));
        }
    }

    private static void exact(byte[] p, int want, String what) throws HdlcException {
        if (p.length != want) {
            throw new HdlcException("QDL " + what + " must be " + want + " bytes, got " + p.length);
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] magic(String s) {
        byte[] m = new byte[MAGIC_LENGTH];
        byte[] src = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(src, 0, m, 0, Math.min(src.length, MAGIC_LENGTH));
        return m;
    }

    private static String magic(ByteBuffer b) {
        byte[] m = new byte[MAGIC_LENGTH];
        b.get(m);
        int n = 0;
        while (n < m.length && m[n] != 0) {
            n++;
        }
        return new String(m, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static long u32(ByteBuffer b) {
        return b.getInt() & 0xffffffffL;
    }
}
