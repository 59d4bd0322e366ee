package io.modemflash.qmi.mbim;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a byte stream (a pty, a unix socket to mbim-proxy) into MBIM wire messages by their
 * length field; a cdc-wdm read already returns one message, a stream does not. A header that
 * cannot start a message (unknown type, length below 12 or above the limit) means the stream
 * is not MBIM or lost its place: the bytes so far are returned as garbage and framing starts
 * again with the next chunk fed. Not thread-safe.
 */
public final class MbimStreamFramer {
    /** What a feed gives: whole wire messages, or bytes that are not MBIM. */
    public sealed interface Chunk permits Message, Garbage {
        byte[] bytes();
    }

    public record Message(byte[] bytes) implements Chunk {
    }

    public record Garbage(byte[] bytes) implements Chunk {
    }

    private final int maxLength;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** @param maxLength the largest message accepted (the negotiated max control transfer) */
    public MbimStreamFramer(int maxLength) {
        this.maxLength = maxLength;
    }

    public List<Chunk> feed(byte[] data, int off, int len) {
        pending.write(data, off, len);
        List<Chunk> out = new ArrayList<>();
        byte[] all = pending.toByteArray();
        int pos = 0;
        while (all.length - pos >= 8) {
            ByteBuffer b = ByteBuffer.wrap(all, pos, all.length - pos).order(ByteOrder.LITTLE_ENDIAN);
            int type = b.getInt(pos);
            long length = Integer.toUnsignedLong(b.getInt(pos + 4));
            if (!known(type) || length < MbimMessage.HEADER || length > maxLength) {
                // not a message start: everything buffered is garbage, resynchronise on the next chunk
                out.add(new Garbage(java.util.Arrays.copyOfRange(all, pos, all.length)));
                pos = all.length;
                break;
            }
            if (all.length - pos < length) {
                break;
            }
            out.add(new Message(java.util.Arrays.copyOfRange(all, pos, pos + (int) length)));
            pos += (int) length;
        }
        pending.reset();
        pending.write(all, pos, all.length - pos);
        return out;
    }

    /** Bytes of an incomplete message held back. */
    public int pending() {
        return pending.size();
    }

    public void reset() {
        pending.reset();
    }

    private static boolean known(int type) {
        return switch (type) {
            case MbimMessage.OPEN, MbimMessage.CLOSE, MbimMessage.COMMAND, MbimMessage.HOST_ERROR,
                    MbimMessage.OPEN_DONE, MbimMessage.CLOSE_DONE, MbimMessage.COMMAND_DONE,
                    MbimMessage.FUNCTION_ERROR, MbimMessage.INDICATE_STATUS -> true;
            default -> false;
        };
    }
}
