package io.modemflash.qmi;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Re-frames a QMUX byte stream (pty, socket, qmi-proxy): several frames may come in one read and
 * one frame may span reads. Bytes that cannot start a frame are returned as {@link Garbage} so
 * the caller can log them, and the framer resynchronises on the next 0x01 marker.
 *
 * <p>A candidate frame is accepted only when its header is plausible: length at least the
 * QMUX header plus the shortest SDU header, and QMUX flags 00 or 80. That keeps a stray 0x01
 * in noise from swallowing the following real frames. Not thread-safe.
 */
public final class QmuxFramer {
    /** Smallest length field: 5 QMUX header bytes after the marker + 6 CTL SDU header bytes. */
    static final int MIN_LENGTH = 11;

    public sealed interface Chunk permits Frame, Garbage {
        byte[] bytes();
    }

    /** One whole QMUX frame (not yet decoded). */
    public record Frame(byte[] bytes) implements Chunk {
        @Override
        public boolean equals(Object o) {
            return o instanceof Frame f && Arrays.equals(f.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Frame[" + Hex.spaced(bytes) + "]";
        }
    }

    /** Bytes skipped while looking for a frame start. */
    public record Garbage(byte[] bytes) implements Chunk {
        @Override
        public boolean equals(Object o) {
            return o instanceof Garbage g && Arrays.equals(g.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Garbage[" + Hex.spaced(bytes) + "]";
        }
    }

    private byte[] buf = new byte[4096];
    private int len;
    private long skipped;

    public List<Chunk> feed(byte[] data) {
        return feed(data, 0, data.length);
    }

    /** Adds bytes and returns every chunk now complete, in stream order. */
    public List<Chunk> feed(byte[] data, int off, int n) {
        ensure(len + n);
        System.arraycopy(data, off, buf, len, n);
        len += n;
        List<Chunk> out = new ArrayList<>();
        ByteArrayOutputStream garbage = new ByteArrayOutputStream();
        int p = 0;
        while (p < len) {
            if ((buf[p] & 0xFF) != QmiMessage.MARKER) {
                garbage.write(buf[p++]);
                continue;
            }
            int avail = len - p;
            if (avail >= 3) {
                int length = (buf[p + 1] & 0xFF) | (buf[p + 2] & 0xFF) << 8;
                if (length < MIN_LENGTH) {
                    garbage.write(buf[p++]);
                    continue;
                }
                if (!plausibleHeader(p, avail, length)) {
                    garbage.write(buf[p++]);
                    continue;
                }
                if (avail >= length + 1) {
                    flushGarbage(garbage, out);
                    out.add(new Frame(Arrays.copyOfRange(buf, p, p + length + 1)));
                    p += length + 1;
                    continue;
                }
            }
            break; // a plausible frame start, incomplete: wait for more bytes
        }
        flushGarbage(garbage, out);
        System.arraycopy(buf, p, buf, 0, len - p);
        len -= p;
        return out;
    }

    /**
     * Checks as much of the header as has arrived: QMUX flags 00/80, SDU flags valid for the
     * service, and an SDU TLV-length field that agrees with the QMUX length. A stray 0x01 in
     * noise almost never passes all of these, so it cannot swallow the real frames after it.
     */
    private boolean plausibleHeader(int p, int avail, int length) {
        if (avail < 4) {
            return true;
        }
        int flags = buf[p + 3] & 0xFF;
        if (flags != 0 && flags != QmiMessage.QMUX_FLAG_FROM_MODEM) {
            return false;
        }
        if (avail < 5) {
            return true;
        }
        int service = buf[p + 4] & 0xFF;
        int hdr = QmiMessage.sduHeaderLength(service);
        if (length < 5 + hdr) {
            return false;
        }
        if (avail < 7) {
            return true;
        }
        int sduFlags = buf[p + 6] & 0xFF;
        boolean ctl = service == QmiService.CTL;
        if (ctl ? sduFlags > 0x02 : (sduFlags != 0x00 && sduFlags != 0x02 && sduFlags != 0x04)) {
            return false;
        }
        int tlvLenAt = p + 1 + 5 + hdr - 2;
        if (avail < tlvLenAt - p + 2) {
            return true;
        }
        int tlvLen = (buf[tlvLenAt] & 0xFF) | (buf[tlvLenAt + 1] & 0xFF) << 8;
        return tlvLen == length - 5 - hdr;
    }

    /** Only the frames; garbage is counted in {@link #skippedBytes()}. */
    public List<byte[]> feedFrames(byte[] data, int off, int n) {
        List<byte[]> frames = new ArrayList<>();
        for (Chunk c : feed(data, off, n)) {
            if (c instanceof Frame f) {
                frames.add(f.bytes());
            }
        }
        return frames;
    }

    private void flushGarbage(ByteArrayOutputStream garbage, List<Chunk> out) {
        if (garbage.size() > 0) {
            skipped += garbage.size();
            out.add(new Garbage(garbage.toByteArray()));
            garbage.reset();
        }
    }

    /** Bytes held back as the start of an incomplete frame. */
    public int pending() {
        return len;
    }

    /** The held-back bytes (for reporting a stream that ended mid-frame). */
    public byte[] pendingBytes() {
        return Arrays.copyOf(buf, len);
    }

    /** Total garbage bytes skipped so far. */
    public long skippedBytes() {
        return skipped;
    }

    public void reset() {
        len = 0;
    }

    private void ensure(int cap) {
        if (cap > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(cap, buf.length * 2));
        }
    }
}
