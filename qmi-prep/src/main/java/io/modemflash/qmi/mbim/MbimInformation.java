package io.modemflash.qmi.mbim;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Information buffers (MBIM 1.0 10.3): fixed little-endian fields first, variable data
 * (UTF-16LE strings, nested structures) after them, each referenced from the fixed part by
 * an (offset, size) pair counted from the buffer's start and padded to 4 bytes.
 */
public final class MbimInformation {
    private MbimInformation() {
    }

    /** Builds a buffer: {@link #u32} and {@link #string}/{@link #data} in field order, then {@link #build}. */
    public static final class Writer {
        private final ByteArrayOutputStream fixed = new ByteArrayOutputStream();
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();
        private final java.util.List<int[]> refs = new java.util.ArrayList<>(); // {fixed offset, data offset}

        public Writer u32(long v) {
            byte[] b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
            fixed.write(b, 0, 4);
            return this;
        }

        /** An (offset, size) pair for a UTF-16LE string; null or empty: (0, 0). */
        public Writer string(String s) {
            return data(s == null ? null : s.getBytes(StandardCharsets.UTF_16LE));
        }

        /** An (offset, size) pair for raw bytes (a nested structure); null or empty: (0, 0). */
        public Writer data(byte[] bytes) {
            if (bytes == null || bytes.length == 0) {
                return u32(0).u32(0);
            }
            refs.add(new int[] {fixed.size(), data.size()});
            u32(0).u32(bytes.length);
            data.write(bytes, 0, bytes.length);
            while (data.size() % 4 != 0) {
                data.write(0);
            }
            return this;
        }

        public byte[] build() {
            byte[] out = new byte[fixed.size() + data.size()];
            byte[] f = fixed.toByteArray();
            System.arraycopy(f, 0, out, 0, f.length);
            System.arraycopy(data.toByteArray(), 0, out, f.length, data.size());
            ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
            for (int[] r : refs) {
                b.putInt(r[0], f.length + r[1]);
            }
            return out;
        }
    }

    /** Reads fields in order; offsets are checked against the buffer. */
    public static final class Reader {
        private final ByteBuffer b;

        public Reader(byte[] buffer) {
            this.b = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        }

        public long u32() throws MbimFormatException {
            if (b.remaining() < 4) {
                throw new MbimFormatException("MBIM information buffer ends at byte " + b.position()
                        + " where a 4-byte field was expected");
            }
            return Integer.toUnsignedLong(b.getInt());
        }

        /** The bytes an (offset, size) pair points at; (0, 0) gives an empty array. */
        public byte[] data() throws MbimFormatException {
            long offset = u32();
            long size = u32();
            if (size == 0) {
                return new byte[0];
            }
            if (offset + size > b.capacity()) {
                throw new MbimFormatException("MBIM field at offset " + offset + " of " + size
                        + " bytes overflows the " + b.capacity() + "-byte information buffer");
            }
            byte[] out = new byte[(int) size];
            b.get((int) offset, out);
            return out;
        }

        public String string() throws MbimFormatException {
            return new String(data(), StandardCharsets.UTF_16LE);
        }
    }
}
