package io.modemflash.qmi.mbim;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Fragmentation (MBIM 1.0 9.2): a COMMAND, COMMAND_DONE or INDICATE_STATUS longer than the
 * peer's largest control message goes as several messages with the same type and transaction
 * id, each a 20-byte header (type, its own length, tid, total, index) and the next piece of
 * what follows the first fragment's fragment header. Other types never fragment.
 */
public final class MbimFragments {
    private MbimFragments() {
    }

    /** The wire messages for one whole message, each at most maxControlTransfer bytes. */
    public static List<byte[]> split(byte[] whole, int maxControlTransfer) {
        if (whole.length <= maxControlTransfer) {
            return List.of(whole);
        }
        ByteBuffer h = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN);
        int type = h.getInt(0);
        int tid = h.getInt(8);
        if (!MbimMessage.fragmentable(type)) {
            throw new IllegalArgumentException("MBIM " + MbimMessage.typeName(type) + " of " + whole.length
                    + " bytes does not fit " + maxControlTransfer + " and cannot be fragmented");
        }
        int piece = maxControlTransfer - MbimMessage.FRAGMENT_HEADER;
        if (piece <= 0) {
            throw new IllegalArgumentException("max control transfer " + maxControlTransfer + " is too small");
        }
        int body = whole.length - MbimMessage.FRAGMENT_HEADER;
        int total = (body + piece - 1) / piece;
        List<byte[]> out = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            int off = MbimMessage.FRAGMENT_HEADER + i * piece;
            int n = Math.min(piece, whole.length - off);
            ByteBuffer f = ByteBuffer.allocate(MbimMessage.FRAGMENT_HEADER + n).order(ByteOrder.LITTLE_ENDIAN);
            f.putInt(type).putInt(MbimMessage.FRAGMENT_HEADER + n).putInt(tid).putInt(total).putInt(i);
            f.put(whole, off, n);
            out.add(f.array());
        }
        return out;
    }

    /**
     * Joins fragments as they arrive, one message at a time (a function answers one command
     * at a time, so fragments of two messages never interleave on a control channel). Not
     * thread-safe.
     */
    public static final class Assembler {
        private ByteArrayOutputStream partial;
        private int type;
        private int tid;
        private int total;
        private int next;

        /**
         * Feeds one wire message; returns the whole message once its last fragment came, null
         * while more are expected. A fragment out of order or of another message drops the
         * partial one and is reported.
         */
        public byte[] add(byte[] wire) throws MbimFormatException {
            if (wire.length < MbimMessage.HEADER) {
                throw new MbimFormatException("MBIM message of " + wire.length + " bytes is shorter than its header");
            }
            ByteBuffer b = ByteBuffer.wrap(wire).order(ByteOrder.LITTLE_ENDIAN);
            int t = b.getInt(0);
            if (!MbimMessage.fragmentable(t) || wire.length < MbimMessage.FRAGMENT_HEADER) {
                return wire;
            }
            int msgTid = b.getInt(8);
            int msgTotal = b.getInt(12);
            int index = b.getInt(16);
            if (msgTotal <= 0 || index < 0 || index >= msgTotal) {
                throw new MbimFormatException("MBIM " + MbimMessage.typeName(t) + " fragment " + index + " of "
                        + msgTotal);
            }
            if (partial != null && (index == 0 || t != type || msgTid != tid || index != next)) {
                String lost = MbimMessage.typeName(type) + " tid " + tid + " (" + next + " of " + total + " fragments)";
                partial = null;
                throw new MbimFormatException("MBIM fragment " + index + " of " + MbimMessage.typeName(t) + " tid "
                        + msgTid + " came while " + lost + " was incomplete; both dropped");
            }
            if (partial == null) {
                if (index != 0) {
                    throw new MbimFormatException("MBIM " + MbimMessage.typeName(t) + " tid " + msgTid + ": fragment "
                            + index + " of " + msgTotal + " without the first");
                }
                if (msgTotal == 1) {
                    return wire;
                }
                partial = new ByteArrayOutputStream();
                partial.write(wire, 0, wire.length);
                type = t;
                tid = msgTid;
                total = msgTotal;
                next = 1;
                return null;
            }
            partial.write(wire, MbimMessage.FRAGMENT_HEADER, wire.length - MbimMessage.FRAGMENT_HEADER);
            next++;
            if (next < total) {
                return null;
            }
            byte[] whole = partial.toByteArray();
            partial = null;
            ByteBuffer w = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN);
            w.putInt(4, whole.length).putInt(12, 1).putInt(16, 0);
            return whole;
        }

        /** Forgets a partial message (the channel was reset). */
        public void reset() {
            partial = null;
        }
    }
}
