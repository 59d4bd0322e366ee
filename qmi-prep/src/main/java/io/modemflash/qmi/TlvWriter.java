package io.modemflash.qmi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds one TLV value, little-endian. Values out of range are programming errors. */
public final class TlvWriter {
    private final int type;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public TlvWriter(int type) {
        this.type = type;
    }

    public TlvWriter u8(int v) {
        check(v, 0xFF, "u8");
        out.write(v);
        return this;
    }

    public TlvWriter u16(int v) {
        check(v, 0xFFFF, "u16");
        out.write(v & 0xFF);
        out.write(v >>> 8);
        return this;
    }

    public TlvWriter u32(long v) {
        if (v < 0 || v > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("u32 out of range: " + v);
        }
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)) & 0xFF);
        }
        return this;
    }

    public TlvWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** A u8-length-prefixed string (struct/array member). */
    public TlvWriter string8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        check(b.length, 0xFF, "string length");
        out.write(b.length);
        out.writeBytes(b);
        return this;
    }

    /** A bare string filling the rest of the TLV (no prefix, no NUL). */
    public TlvWriter rest(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public Tlv build() {
        return new Tlv(type, out.toByteArray());
    }

    private static void check(int v, int max, String what) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(what + " out of range: " + v);
        }
    }

    /** Shorthand: a TLV holding one u8. */
    public static Tlv ofU8(int type, int v) {
        return new TlvWriter(type).u8(v).build();
    }

    /** Shorthand: a TLV that is one bare string. */
    public static Tlv ofString(int type, String s) {
        return new TlvWriter(type).rest(s).build();
    }
}
