package io.modemflash.qmi;

import java.util.Arrays;
import java.util.Objects;

/** One QMI TLV: u8 type, u16 LE length, value. The value array is copied in and out. */
public record Tlv(int type, byte[] value) {
    public Tlv {
        if (type < 0 || type > 0xFF) {
            throw new IllegalArgumentException("TLV type out of range: " + type);
        }
        Objects.requireNonNull(value, "value");
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("TLV 0x" + Hex.u8(type) + " too long: " + value.length + " bytes");
        }
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public int length() {
        return value.length;
    }

    /** A reader over this TLV's value; errors name this TLV's type. */
    public TlvReader reader() {
        return new TlvReader(type, value);
    }

    /** Bytes on the wire: type, length, value. */
    public int encodedLength() {
        return 3 + value.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tlv t && t.type == type && Arrays.equals(t.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Tlv[0x" + Hex.u8(type) + ", " + Hex.spaced(value) + "]";
    }
}
