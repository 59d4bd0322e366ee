package io.modemflash.qdl.hdlc;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Async-HDLC framing as Qualcomm's DLOAD/QDL uses it: {@code 7E}, escaped payload + CRC-16
 * (LSB first), {@code 7E}. {@code 7E} is escaped as {@code 7D 5E} and {@code 7D} as {@code 7D 5D}.
 */
public final class Hdlc {
    public static final int FLAG = 0x7e;
    public static final int ESCAPE = 0x7d;

    private Hdlc() {
    }

    /** Frames a payload: leading and trailing flag, CRC appended, escapes applied. */
    public static byte[] frame(byte[] payload) {
        int crc = Crc16.compute(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 8);
        out.write(FLAG);
        for (byte b : payload) {
            escape(out, b & 0xff);
        }
        escape(out, crc & 0xff);
        escape(out, crc >>> 8);
        out.write(FLAG);
        return out.toByteArray();
    }

    private static void escape(ByteArrayOutputStream out, int b) {
        if (b == FLAG || b == ESCAPE) {
            out.write(ESCAPE);
            out.write(b ^ 0x20);
        } else {
            out.write(b);
        }
    }

    /**
     * Unframes one frame: leading flag optional, trailing flag optional, escapes undone, CRC
     * checked and removed. Returns the payload.
     */
    public static byte[] unframe(byte[] frame) throws HdlcException {
        int start = 0;
        int end = frame.length;
        if (start < end && (frame[start] & 0xff) == FLAG) {
            start++;
        }
        if (end > start && (frame[end - 1] & 0xff) == FLAG) {
            end--;
        }
        byte[] raw = unescape(frame, start, end);
        if (raw.length < 3) {
            throw new HdlcException("HDLC frame too short: " + raw.length + " bytes after unescaping (need payload + CRC)");
        }
        int got = (raw[raw.length - 2] & 0xff) | (raw[raw.length - 1] & 0xff) << 8;
        int want = Crc16.compute(raw, 0, raw.length - 2);
        if (got != want) {
            throw new HdlcException(String.format("HDLC frame bad CRC: got %04X, computed %04X", got, want));
        }
        return Arrays.copyOf(raw, raw.length - 2);
    }

    static byte[] unescape(byte[] in, int start, int end) throws HdlcException {
        byte[] out = new byte[end - start];
        int n = 0;
        for (int i = start; i < end; i++) {
            int b = in[i] & 0xff;
            if (b == FLAG) {
                throw new HdlcException("HDLC flag 7E inside a frame at offset " + i);
            }
            if (b == ESCAPE) {
                if (i + 1 >= end) {
                    throw new HdlcException("HDLC frame ends inside an escape");
                }
                int next = in[++i] & 0xff;
                if (next != 0x5e && next != 0x5d) {
                    throw new HdlcException(String.format("HDLC invalid escape 7D %02X", next));
                }
                b = next ^ 0x20;
            }
            out[n++] = (byte) b;
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Splits a byte stream into frames at flags. Bytes before the first flag form a frame
     * too (the leading flag is optional); empty frames (back-to-back flags) are skipped.
     */
    public static final class Deframer {
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();
        private final int maxFrame;

        /** @param maxFrame a frame growing past this many bytes is garbage (no flag coming) */
        public Deframer(int maxFrame) {
            this.maxFrame = maxFrame;
        }

        /** Feeds bytes; returns the raw (still escaped, CRC included) frames they completed. */
        public List<byte[]> feed(byte[] data, int off, int len) throws HdlcException {
            List<byte[]> frames = new ArrayList<>(1);
            for (int i = off; i < off + len; i++) {
                int b = data[i] & 0xff;
                if (b == FLAG) {
                    if (current.size() > 0) {
                        frames.add(current.toByteArray());
                        current.reset();
                    }
                } else {
                    if (current.size() >= maxFrame) {
                        current.reset();
                        throw new HdlcException("HDLC frame longer than " + maxFrame + " bytes without a flag");
                    }
                    current.write(b);
                }
            }
            return frames;
        }

        /** Bytes received since the last flag (an unterminated frame). */
        public int pending() {
            return current.size();
        }
    }
}
