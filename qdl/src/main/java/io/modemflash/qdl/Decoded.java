package io.modemflash.qdl;

import java.lang.reflect.RecordComponent;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One unit of captured bytes explained for a technician ({@code modemflash decode}): where it
 * sits, what it is, its fields, or why it does not decode.
 *
 * @param offset byte offset in the input
 * @param length bytes it spans
 * @param name   message name (null when it did not decode)
 * @param fields field name (snake_case) to value, in wire order, with names for codes
 * @param error  why it does not decode (null when it did)
 */
public record Decoded(int offset, int length, String name, Map<String, Object> fields, String error) {

    public static Decoded ok(int offset, int length, String name, Map<String, Object> fields) {
        return new Decoded(offset, length, name, fields, null);
    }

    public static Decoded bad(int offset, int length, String error) {
        return new Decoded(offset, length, null, Map.of(), error);
    }

    public boolean isError() {
        return error != null;
    }

    /** A record's components as snake_case fields (byte arrays as hex). */
    public static Map<String, Object> fieldsOf(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(r);
                m.put(snake(c.getName()), v instanceof byte[] b ? HexFormat.ofDelimiter(" ").withUpperCase().formatHex(b) : v);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }

    static String snake(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                sb.append('_').append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** "@0 [48 bytes] HELLO version=2 ..." or "@0 [3 bytes] error: ...". */
    public String render() {
        StringBuilder sb = new StringBuilder().append('@').append(offset).append(" [").append(length).append(" bytes] ");
        if (error != null) {
            return sb.append("error: ").append(error).toString();
        }
        sb.append(name);
        fields.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("offset", offset);
        m.put("length", length);
        if (error != null) {
            m.put("error", error);
        } else {
            m.put("message", name);
            m.put("fields", fields);
        }
        return m;
    }
}
