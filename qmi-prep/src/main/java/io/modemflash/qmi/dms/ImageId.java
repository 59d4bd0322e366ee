package io.modemflash.qmi.dms;

import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.TlvReader;
import io.modemflash.qmi.TlvWriter;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One firmware image identity as Get/Set Firmware Preference carry it: u8 type (0 modem,
 * 1 PRI), unique id (exactly 16 bytes, text zero-padded), u8-prefixed build id.
 */
public record ImageId(int type, byte[] uniqueId, String buildId) {
    public static final int TYPE_MODEM = 0;
    public static final int TYPE_PRI = 1;
    public static final int UNIQUE_ID_LENGTH = 16;

    public ImageId {
        if (uniqueId.length != UNIQUE_ID_LENGTH) {
            throw new IllegalArgumentException("unique id must be 16 bytes, got " + uniqueId.length);
        }
        uniqueId = uniqueId.clone();
    }

    /** From text, zero-padded to 16 bytes (e.g. "?_?" or "002.072_001"). */
    public static ImageId of(int type, String uniqueId, String buildId) {
        byte[] text = uniqueId.getBytes(StandardCharsets.US_ASCII);
        if (text.length > UNIQUE_ID_LENGTH) {
            throw new IllegalArgumentException("unique id longer than 16 bytes: " + uniqueId);
        }
        return new ImageId(type, Arrays.copyOf(text, UNIQUE_ID_LENGTH), buildId);
    }

    @Override
    public byte[] uniqueId() {
        return uniqueId.clone();
    }

    /** The unique id as text, trailing NUL padding removed. */
    public String uniqueIdText() {
        return TlvReader.decodeString(uniqueId);
    }

    public static String typeName(int type) {
        return switch (type) {
            case TYPE_MODEM -> "modem";
            case TYPE_PRI -> "pri";
            default -> String.format("0x%02X", type);
        };
    }

    void write(TlvWriter w) {
        w.u8(type).bytes(uniqueId).string8(buildId);
    }

    static ImageId read(TlvReader r) throws QmiFormatException {
        return new ImageId(r.u8(), r.bytes(UNIQUE_ID_LENGTH), r.string8());
    }

    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", typeName(type));
        m.put("unique_id", uniqueIdText());
        m.put("build_id", buildId);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageId i && i.type == type && Arrays.equals(i.uniqueId, uniqueId) && i.buildId.equals(buildId);
    }

    @Override
    public int hashCode() {
        return (31 * type + Arrays.hashCode(uniqueId)) * 31 + buildId.hashCode();
    }

    @Override
    public String toString() {
        return typeName(type) + " unique_id='" + uniqueIdText() + "' build_id='" + buildId + "'";
    }
}
