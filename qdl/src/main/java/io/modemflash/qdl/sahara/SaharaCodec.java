package io.modemflash.qdl.sahara;

import io.modemflash.qdl.sahara.SaharaPacket.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Pure Sahara packet encoder/decoder with strict per-command lengths. No I/O. */
public final class SaharaCodec {
    public static final int HEADER = 8;
    /** Largest packet we accept from a device: far above any defined command (0x30). */
    public static final int MAX_PACKET = 0x1000;

    private SaharaCodec() {
    }

    /** The fixed wire length of a command, or -1 for an unknown command. */
    public static int lengthOf(int command) {
        return switch (command) {
            case SaharaPacket.HELLO, SaharaPacket.HELLO_RESP -> 0x30;
            case SaharaPacket.READ_DATA -> 0x14;
            case SaharaPacket.END_OF_IMAGE_TX, SaharaPacket.MEMORY_DEBUG, SaharaPacket.MEMORY_READ,
                    SaharaPacket.EXECUTE_RESP -> 0x10;
            case SaharaPacket.DONE, SaharaPacket.RESET, SaharaPacket.RESET_RESP, SaharaPacket.CMD_READY,
                    SaharaPacket.RESET_STATE_MACHINE -> 0x08;
            case SaharaPacket.DONE_RESP, SaharaPacket.SWITCH_MODE, SaharaPacket.EXECUTE,
                    SaharaPacket.EXECUTE_DATA -> 0x0C;
            case SaharaPacket.MEMORY_DEBUG64, SaharaPacket.MEMORY_READ64 -> 0x18;
            case SaharaPacket.READ_DATA64 -> 0x20;
            default -> -1;
        };
    }

    public static String nameOf(int command) {
        return switch (command) {
            case SaharaPacket.HELLO -> "HELLO";
            case SaharaPacket.HELLO_RESP -> "HELLO_RESP";
            case SaharaPacket.READ_DATA -> "READ_DATA";
            case SaharaPacket.END_OF_IMAGE_TX -> "END_OF_IMAGE_TX";
            case SaharaPacket.DONE -> "DONE";
            case SaharaPacket.DONE_RESP -> "DONE_RESP";
            case SaharaPacket.RESET -> "RESET";
            case SaharaPacket.RESET_RESP -> "RESET_RESP";
            case SaharaPacket.MEMORY_DEBUG -> "MEMORY_DEBUG";
            case SaharaPacket.MEMORY_READ -> "MEMORY_READ";
            case SaharaPacket.CMD_READY -> "CMD_READY";
            case SaharaPacket.SWITCH_MODE -> "SWITCH_MODE";
            case SaharaPacket.EXECUTE -> "EXECUTE";
            case SaharaPacket.EXECUTE_RESP -> "EXECUTE_RESP";
            case SaharaPacket.EXECUTE_DATA -> "EXECUTE_DATA";
            case SaharaPacket.MEMORY_DEBUG64 -> "MEMORY_DEBUG64";
            case SaharaPacket.MEMORY_READ64 -> "MEMORY_READ64";
            case SaharaPacket.READ_DATA64 -> "READ_DATA64";
            case SaharaPacket.RESET_STATE_MACHINE -> "RESET_STATE_MACHINE";
            default -> String.format("0x%X", command);
        };
    }

    public static byte[] encode(SaharaPacket p) {
        int len = lengthOf(p.command());
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(p.command()).putInt(len);
        if (p instanceof Hello h) {
            u32(b, h.version()).putInt((int) h.compatible()).putInt((int) h.maxCommandPacketLength()).putInt((int) h.mode());
        } else if (p instanceof HelloResp h) {
            u32(b, h.version()).putInt((int) h.compatible()).putInt((int) h.status()).putInt((int) h.mode());
        } else if (p instanceof ReadData r) {
            u32(b, r.imageId()).putInt((int) r.offset()).putInt((int) r.length());
        } else if (p instanceof EndOfImageTx e) {
            u32(b, e.imageId()).putInt((int) e.status());
        } else if (p instanceof DoneResp d) {
            u32(b, d.imageTxStatus());
        } else if (p instanceof MemoryDebug m) {
            u32(b, m.tableAddress()).putInt((int) m.tableLength());
        } else if (p instanceof MemoryRead m) {
            u32(b, m.address()).putInt((int) m.length());
        } else if (p instanceof SwitchMode s) {
            u32(b, s.mode());
        } else if (p instanceof Execute e) {
            u32(b, e.clientCommand());
        } else if (p instanceof ExecuteResp e) {
            u32(b, e.clientCommand()).putInt((int) e.dataLength());
        } else if (p instanceof ExecuteData e) {
            u32(b, e.clientCommand());
        } else if (p instanceof MemoryDebug64 m) {
            b.putLong(m.tableAddress()).putLong(m.tableLength());
        } else if (p instanceof MemoryRead64 m) {
            b.putLong(m.address()).putLong(m.length());
        } else if (p instanceof ReadData64 r) {
            b.putLong(r.imageId()).putLong(r.offset()).putLong(r.length());
        }
        // Done, Reset, ResetResp, CmdReady, ResetStateMachine: header only; HELLO reserved[6] stay 0.
        return b.array();
    }

    private static ByteBuffer u32(ByteBuffer b, long v) {
        return b.putInt((int) v);
    }

    /**
     * The length field of the packet starting at {@code off}, validated, or -1 when fewer than
     * 8 bytes are available. Used to cut a tty byte stream into packets.
     */
    public static int packetLength(byte[] buf, int off, int available) throws SaharaPacketException {
        if (available < HEADER) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(buf, off, HEADER).order(ByteOrder.LITTLE_ENDIAN);
        long cmd = b.getInt() & 0xffffffffL;
        long len = b.getInt() & 0xffffffffL;
        int want = cmd <= Integer.MAX_VALUE ? lengthOf((int) cmd) : -1;
        if (want < 0) {
            throw new SaharaPacketException(String.format("unknown Sahara command 0x%X (length field %d)", cmd, len));
        }
        if (len != want) {
            throw new SaharaLengthException(String.format("Sahara %s must be %d bytes, length field says %d",
                    nameOf((int) cmd), want, len));
        }
        return want;
    }

    public static SaharaPacket decode(byte[] p) throws SaharaPacketException {
        return decode(p, 0, p.length);
    }

    /** Decodes exactly one packet occupying {@code len} bytes. */
    public static SaharaPacket decode(byte[] buf, int off, int len) throws SaharaPacketException {
        if (len < HEADER) {
            throw new SaharaLengthException("Sahara packet too short: " + len + " bytes, need at least 8");
        }
        int want = packetLength(buf, off, len);
        if (len != want) {
            throw new SaharaLengthException(String.format("Sahara %s must be %d bytes, got %d",
                    nameOf(buf[off] & 0xff), want, len));
        }
        ByteBuffer b = ByteBuffer.wrap(buf, off + HEADER, len - HEADER).order(ByteOrder.LITTLE_ENDIAN);
        int cmd = buf[off] & 0xff;
        return switch (cmd) {
            case SaharaPacket.HELLO -> new Hello(u32(b), u32(b), u32(b), u32(b));
            case SaharaPacket.HELLO_RESP -> new HelloResp(u32(b), u32(b), u32(b), u32(b));
            case SaharaPacket.READ_DATA -> new ReadData(u32(b), u32(b), u32(b));
            case SaharaPacket.END_OF_IMAGE_TX -> new EndOfImageTx(u32(b), u32(b));
            case SaharaPacket.DONE -> new Done();
            case SaharaPacket.DONE_RESP -> new DoneResp(u32(b));
            case SaharaPacket.RESET -> new Reset();
            case SaharaPacket.RESET_RESP -> new ResetResp();
            case SaharaPacket.MEMORY_DEBUG -> new MemoryDebug(u32(b), u32(b));
            case SaharaPacket.MEMORY_READ -> new MemoryRead(u32(b), u32(b));
            case SaharaPacket.CMD_READY -> new CmdReady();
            case SaharaPacket.SWITCH_MODE -> new SwitchMode(u32(b));
            case SaharaPacket.EXECUTE -> new Execute(u32(b));
            case SaharaPacket.EXECUTE_RESP -> new ExecuteResp(u32(b), u32(b));
            case SaharaPacket.EXECUTE_DATA -> new ExecuteData(u32(b));
            case SaharaPacket.MEMORY_DEBUG64 -> new MemoryDebug64(b.getLong(), b.getLong());
            case SaharaPacket.MEMORY_READ64 -> new MemoryRead64(b.getLong(), b.getLong());
            case SaharaPacket.READ_DATA64 -> new ReadData64(b.getLong(), b.getLong(), b.getLong());
            case SaharaPacket.RESET_STATE_MACHINE -> new ResetStateMachine();
            default -> throw new SaharaPacketException(String.format("unknown Sahara command 0x%X", cmd));
        };
    }

    private static long u32(ByteBuffer b) {
        return b.getInt() & 0xffffffffL;
    }
}
