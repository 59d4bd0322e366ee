package io.modemflash.qmi.mbim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * MBIM control messages (PROTOCOLS.md 8.2; MBIM 1.0 section 9), whole (not fragmented): the
 * 12-byte header (type, length, transaction id, little-endian) and each type's fields.
 * Pure codec: {@link #encode()} gives one message as it would be sent unfragmented,
 * {@link #decode(byte[])} reads one; {@link MbimFragments} splits and joins fragments.
 */
public sealed interface MbimMessage {
    int OPEN = 0x00000001;
    int CLOSE = 0x00000002;
    int COMMAND = 0x00000003;
    int HOST_ERROR = 0x00000004;
    int OPEN_DONE = 0x80000001;
    int CLOSE_DONE = 0x80000002;
    int COMMAND_DONE = 0x80000003;
    int FUNCTION_ERROR = 0x80000004;
    int INDICATE_STATUS = 0x80000007;

    int HEADER = 12;
    /** Header + fragment header (total, current): what every fragment of a fragmentable message starts with. */
    int FRAGMENT_HEADER = 20;

    /** Command types of COMMAND. */
    int QUERY = 0;
    int SET = 1;

    int transactionId();

    /** The unfragmented bytes. */
    byte[] encode();

    /** Host -> function: open the function with the host's largest control message. */
    record Open(int transactionId, int maxControlTransfer) implements MbimMessage {
        @Override
        public byte[] encode() {
            return header(OPEN, 16, transactionId).putInt(maxControlTransfer).array();
        }
    }

    record OpenDone(int transactionId, int status) implements MbimMessage {
        @Override
        public byte[] encode() {
            return header(OPEN_DONE, 16, transactionId).putInt(status).array();
        }
    }

    record Close(int transactionId) implements MbimMessage {
        @Override
        public byte[] encode() {
            return header(CLOSE, 12, transactionId).array();
        }
    }

    record CloseDone(int transactionId, int status) implements MbimMessage {
        @Override
        public byte[] encode() {
            return header(CLOSE_DONE, 16, transactionId).putInt(status).array();
        }
    }

    /** HOST_ERROR (host -> function) or FUNCTION_ERROR (function -> host), with an MBIM_ERROR code. */
    record Error(boolean fromFunction, int transactionId, int errorCode) implements MbimMessage {
        @Override
        public byte[] encode() {
            return header(fromFunction ? FUNCTION_ERROR : HOST_ERROR, 16, transactionId).putInt(errorCode).array();
        }
    }

    /** A request: service, CID, query or set, and its information buffer. */
    record Command(int transactionId, MbimUuid service, int cid, int commandType, byte[] buffer)
            implements MbimMessage {
        public Command {
            Objects.requireNonNull(service);
            buffer = buffer.clone();
        }

        @Override
        public byte[] buffer() {
            return buffer.clone();
        }

        @Override
        public byte[] encode() {
            return serviceMessage(COMMAND, transactionId, service, cid, buffer, commandType);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Command c && c.transactionId == transactionId && c.service.equals(service)
                    && c.cid == cid && c.commandType == commandType && Arrays.equals(c.buffer, buffer);
        }

        @Override
        public int hashCode() {
            return Objects.hash(transactionId, service, cid, commandType, Arrays.hashCode(buffer));
        }

        @Override
        public String toString() {
            return "Command[tid " + transactionId + ", " + service.label() + " CID " + cid
                    + (commandType == SET ? " set" : " query") + ", " + buffer.length + " bytes]";
        }
    }

    /** The answer to a Command with the same transaction id: status and information buffer. */
    record CommandDone(int transactionId, MbimUuid service, int cid, int status, byte[] buffer)
            implements MbimMessage {
        public CommandDone {
            Objects.requireNonNull(service);
            buffer = buffer.clone();
        }

        @Override
        public byte[] buffer() {
            return buffer.clone();
        }

        @Override
        public byte[] encode() {
            return serviceMessage(COMMAND_DONE, transactionId, service, cid, buffer, status);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CommandDone c && c.transactionId == transactionId && c.service.equals(service)
                    && c.cid == cid && c.status == status && Arrays.equals(c.buffer, buffer);
        }

        @Override
        public int hashCode() {
            return Objects.hash(transactionId, service, cid, status, Arrays.hashCode(buffer));
        }

        @Override
        public String toString() {
            return "CommandDone[tid " + transactionId + ", " + service.label() + " CID " + cid + ", "
                    + MbimStatus.name(status) + ", " + buffer.length + " bytes]";
        }
    }

    /** An unsolicited notification (transaction id 0). */
    record IndicateStatus(int transactionId, MbimUuid service, int cid, byte[] buffer) implements MbimMessage {
        public IndicateStatus {
            Objects.requireNonNull(service);
            buffer = buffer.clone();
        }

        @Override
        public byte[] buffer() {
            return buffer.clone();
        }

        @Override
        public byte[] encode() {
            return serviceMessage(INDICATE_STATUS, transactionId, service, cid, buffer);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IndicateStatus c && c.transactionId == transactionId && c.service.equals(service)
                    && c.cid == cid && Arrays.equals(c.buffer, buffer);
        }

        @Override
        public int hashCode() {
            return Objects.hash(transactionId, service, cid, Arrays.hashCode(buffer));
        }
    }

    /** Decodes one whole (reassembled) message; {@link MbimFormatException} names what is wrong. */
    static MbimMessage decode(byte[] m) throws MbimFormatException {
        if (m.length < HEADER) {
            throw new MbimFormatException("MBIM message of " + m.length + " bytes is shorter than its 12-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.getInt();
        int length = b.getInt();
        int tid = b.getInt();
        if (length != m.length) {
            throw new MbimFormatException("MBIM " + typeName(type) + " says " + Integer.toUnsignedString(length)
                    + " bytes but has " + m.length);
        }
        switch (type) {
            case OPEN -> {
                need(m, 16, type);
                return new Open(tid, b.getInt());
            }
            case OPEN_DONE -> {
                need(m, 16, type);
                return new OpenDone(tid, b.getInt());
            }
            case CLOSE -> {
                return new Close(tid);
            }
            case CLOSE_DONE -> {
                need(m, 16, type);
                return new CloseDone(tid, b.getInt());
            }
            case HOST_ERROR, FUNCTION_ERROR -> {
                need(m, 16, type);
                return new Error(type == FUNCTION_ERROR, tid, b.getInt());
            }
            case COMMAND, COMMAND_DONE -> {
                need(m, 48, type);
                fragmentsMustBeWhole(b, type);
                MbimUuid service = MbimUuid.read(b);
                int cid = b.getInt();
                int typeOrStatus = b.getInt();
                byte[] buffer = buffer(b, m, type);
                return type == COMMAND ? new Command(tid, service, cid, typeOrStatus, buffer)
                        : new CommandDone(tid, service, cid, typeOrStatus, buffer);
            }
            case INDICATE_STATUS -> {
                need(m, 44, type);
                fragmentsMustBeWhole(b, type);
                MbimUuid service = MbimUuid.read(b);
                int cid = b.getInt();
                return new IndicateStatus(tid, service, cid, buffer(b, m, type));
            }
            default -> throw new MbimFormatException("unknown MBIM message type 0x" + Integer.toHexString(type));
        }
    }

    /** "OPEN", "COMMAND_DONE", or "0x...". */
    static String typeName(int type) {
        return switch (type) {
            case OPEN -> "OPEN";
            case CLOSE -> "CLOSE";
            case COMMAND -> "COMMAND";
            case HOST_ERROR -> "HOST_ERROR";
            case OPEN_DONE -> "OPEN_DONE";
            case CLOSE_DONE -> "CLOSE_DONE";
            case COMMAND_DONE -> "COMMAND_DONE";
            case FUNCTION_ERROR -> "FUNCTION_ERROR";
            case INDICATE_STATUS -> "INDICATE_STATUS";
            default -> "0x" + Integer.toHexString(type);
        };
    }

    /** Whether the type carries a fragment header (and so may come in fragments). */
    static boolean fragmentable(int type) {
        return type == COMMAND || type == COMMAND_DONE || type == INDICATE_STATUS;
    }

    private static void fragmentsMustBeWhole(ByteBuffer b, int type) throws MbimFormatException {
        int total = b.getInt();
        int current = b.getInt();
        if (total != 1 || current != 0) {
            throw new MbimFormatException("MBIM " + typeName(type) + " fragment " + current + " of " + total
                    + " given as a whole message (join the fragments first)");
        }
    }

    private static byte[] buffer(ByteBuffer b, byte[] m, int type) throws MbimFormatException {
        int n = b.getInt();
        if (n < 0 || n != b.remaining()) {
            throw new MbimFormatException("MBIM " + typeName(type) + " information buffer says "
                    + Integer.toUnsignedString(n) + " bytes but " + b.remaining() + " follow");
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static void need(byte[] m, int n, int type) throws MbimFormatException {
        if (m.length < n) {
            throw new MbimFormatException("MBIM " + typeName(type) + " of " + m.length + " bytes; it needs " + n);
        }
    }

    /**
     * The layout COMMAND, COMMAND_DONE and INDICATE_STATUS share: header, fragment header (one
     * fragment of one), service UUID, CID, the message's own words (command type, status), the
     * information buffer's length and the buffer.
     */
    private static byte[] serviceMessage(int type, int tid, MbimUuid service, int cid, byte[] buffer, int... words) {
        int length = FRAGMENT_HEADER + 16 + 4 + 4 * words.length + 4 + buffer.length;
        ByteBuffer b = header(type, length, tid).putInt(1).putInt(0).put(service.bytes()).putInt(cid);
        for (int w : words) {
            b.putInt(w);
        }
        return b.putInt(buffer.length).put(buffer).array();
    }

    private static ByteBuffer header(int type, int length, int tid) {
        return ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(length).putInt(tid);
    }
}
