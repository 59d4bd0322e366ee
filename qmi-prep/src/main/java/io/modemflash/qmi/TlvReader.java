package io.modemflash.qmi;

import java.nio.charset.StandardCharsets;

/**
 * Sequential little-endian reader over one TLV's value. Every read is bounds-checked first:
 * hostile or truncated bytes give a {@link QmiFormatException}, never an index exception.
 */
public final class TlvReader {
    private final int type;
    private final byte[] value;
    private int pos;

    public TlvReader(int type, byte[] value) {
        this.type = type;
        this.value = value;
    }

    public int type() {
        return type;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return value.length - pos;
    }

    public boolean hasRemaining() {
        return pos < value.length;
    }

    private void need(int n) throws QmiFormatException {
        if (n < 0 || n > value.length - pos) {
            throw new QmiFormatException(String.format(
                    "reading TLV 0x%02X would overflow: %d byte(s) needed at offset %d, the TLV holds %d",
                    type, n, pos, value.length));
        }
    }

    public int u8() throws QmiFormatException {
        need(1);
        return value[pos++] & 0xFF;
    }

    public int u16() throws QmiFormatException {
        need(2);
        int v = (value[pos] & 0xFF) | (value[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    public long u32() throws QmiFormatException {
        need(4);
        long v = (value[pos] & 0xFFL) | (value[pos + 1] & 0xFFL) << 8 | (value[pos + 2] & 0xFFL) << 16
                | (value[pos + 3] & 0xFFL) << 24;
        pos += 4;
        return v;
    }

    public byte[] bytes(int n) throws QmiFormatException {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(value, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** A string with a u8 length prefix (the form used inside structs and arrays). */
    public String string8() throws QmiFormatException {
        int n = u8();
        return decodeString(bytes(n));
    }

    /** The rest of the value as a string (the form used when a string is the whole TLV). */
    public String rest() throws QmiFormatException {
        return decodeString(bytes(remaining()));
    }

    /**
     * Strips trailing NUL (Sierra MC7455) and TAB (Quectel EM12 Get Model) characters that real
     * modems append.
     */
    public static String decodeString(byte[] raw) {
        int end = raw.length;
        while (end > 0 && (raw[end - 1] == 0 || raw[end - 1] == '\t')) {
            end--;
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }
}
