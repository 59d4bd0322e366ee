package io.modemflash.qmi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Explains QMUX bytes to a technician: every frame in a stream with its header fields, each TLV
 * in hex and the typed fields of the messages this project knows. Hostile input never throws:
 * problems become {@link Invalid}, {@link Garbage} or {@link Incomplete} entries.
 *
 * <p>The model is plain records; {@link Entry#toMap()} gives ordered maps for JSON and
 * {@link #render(List)} gives text.
 */
public final class QmiDescriber {
    private QmiDescriber() {
    }

    /** One item found in the input, with its byte offset in the input. */
    public sealed interface Entry permits Described, Invalid, Garbage, Incomplete {
        int offset();

        byte[] bytes();

        Map<String, Object> toMap();
    }

    public record TlvDescription(int type, int length, String hex, String note) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "0x" + Hex.u8(type));
            m.put("length", length);
            m.put("hex", hex);
            if (note != null) {
                m.put("note", note);
            }
            return m;
        }
    }

    /** A frame that decoded. {@code fields} is empty for messages without a typed decoder. */
    public record Described(int offset, byte[] bytes, QmiMessage message, String messageName, String result,
                            List<TlvDescription> tlvs, Map<String, Object> fields, String decodeError)
            implements Entry {
        public Map<String, Object> toMap() {
            QmiMessage m = message;
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("entry", "frame");
            map.put("offset", offset);
            map.put("length", bytes.length);
            map.put("hex", Hex.spaced(bytes));
            map.put("qmux_flags", "0x" + Hex.u8(m.fromModem() ? QmiMessage.QMUX_FLAG_FROM_MODEM : 0));
            map.put("direction", m.fromModem() ? "modem-to-host" : "host-to-modem");
            map.put("service", m.service());
            map.put("service_name", QmiService.name(m.service()));
            map.put("client_id", m.clientId());
            map.put("kind", m.kind().label());
            map.put("transaction_id", m.transactionId());
            map.put("message_id", "0x" + Hex.u16(m.messageId()));
            map.put("message_name", messageName);
            if (result != null) {
                map.put("result", result);
            }
            List<Map<String, Object>> t = new ArrayList<>();
            for (TlvDescription d : tlvs) {
                t.add(d.toMap());
            }
            map.put("tlvs", t);
            if (!fields.isEmpty()) {
                map.put("fields", fields);
            }
            if (decodeError != null) {
                map.put("decode_error", decodeError);
            }
            return map;
        }
    }

    /** Looked like a frame (marker, plausible length) but is malformed. */
    public record Invalid(int offset, byte[] bytes, String error) implements Entry {
        public Map<String, Object> toMap() {
            return ordered("invalid", offset, bytes, "error", error);
        }
    }

    /** Bytes skipped while looking for a 0x01 marker. */
    public record Garbage(int offset, byte[] bytes) implements Entry {
        public Map<String, Object> toMap() {
            return ordered("garbage", offset, bytes, null, null);
        }
    }

    /** The input ended inside a frame. */
    public record Incomplete(int offset, byte[] bytes, String error) implements Entry {
        public Map<String, Object> toMap() {
            return ordered("incomplete", offset, bytes, "error", error);
        }
    }

    private static Map<String, Object> ordered(String entry, int offset, byte[] bytes, String k, Object v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entry", entry);
        m.put("offset", offset);
        m.put("length", bytes.length);
        m.put("hex", Hex.spaced(bytes));
        if (k != null) {
            m.put(k, v);
        }
        return m;
    }

    /** Describes a byte stream holding any number of frames, possibly with noise. */
    public static List<Entry> describe(byte[] input) {
        QmuxFramer framer = new QmuxFramer();
        List<Entry> out = new ArrayList<>();
        int offset = 0;
        for (QmuxFramer.Chunk c : framer.feed(input)) {
            byte[] b = c.bytes();
            if (c instanceof QmuxFramer.Frame) {
                out.add(describeFrame(offset, b));
            } else if ((b[0] & 0xFF) == QmiMessage.MARKER && b.length >= QmiMessage.QMUX_HEADER_LENGTH) {
                // Starts like a frame but its header does not hold together: say why.
                out.add(new Invalid(offset, b, "not a consistent QMUX frame: " + decodeError(b)));
            } else {
                out.add(new Garbage(offset, b));
            }
            offset += b.length;
        }
        boolean anyFrame = out.stream().anyMatch(e -> e instanceof Described || e instanceof Invalid);
        if (!anyFrame && input.length > 0 && (input[0] & 0xFF) == QmiMessage.MARKER
                && (framer.pending() == 0 || framer.pending() < input.length)) {
            // No frame found, yet the input starts like one: most likely one broken frame
            // pasted whole. The decoder's reason beats a list of skipped bytes.
            return List.of(new Invalid(0, input, "not a consistent QMUX frame: " + decodeError(input)));
        }
        if (framer.pending() > 0) {
            byte[] rest = framer.pendingBytes();
            String why = rest.length >= 3
                    ? String.format("incomplete QMUX frame: have %d of %d bytes", rest.length,
                    ((rest[1] & 0xFF) | (rest[2] & 0xFF) << 8) + 1)
                    : "incomplete QMUX frame: only " + rest.length + " byte(s) after the marker's start";
            out.add(new Incomplete(offset, rest, why));
        }
        return out;
    }

    private static String decodeError(byte[] b) {
        try {
            QmiMessage.decode(b);
            return "header fields disagree";
        } catch (QmiFormatException e) {
            return e.getMessage();
        }
    }

    /** Describes exactly one frame (no re-framing). */
    public static Entry describeFrame(int offset, byte[] frame) {
        QmiMessage m;
        try {
            m = QmiMessage.decode(frame);
        } catch (QmiFormatException e) {
            return new Invalid(offset, frame, e.getMessage());
        }
        String name = QmiMessageNames.messageName(m.service(), m.messageId());
        String result = null;
        String decodeError = null;
        Optional<QmiResult> r = Optional.empty();
        try {
            r = m.result();
        } catch (QmiFormatException e) {
            decodeError = e.getMessage();
        }
        if (r.isPresent()) {
            result = r.get().describe();
        } else if (m.kind() == MessageKind.RESPONSE && decodeError == null) {
            decodeError = "response without result TLV 0x02";
        }
        List<TlvDescription> tlvs = new ArrayList<>();
        for (Tlv t : m.tlvs()) {
            String note = t.type() == QmiResult.TLV_TYPE && m.kind() == MessageKind.RESPONSE ? "result" : null;
            tlvs.add(new TlvDescription(t.type(), t.length(), Hex.spaced(t.value()), note));
        }
        Map<String, Object> fields = Map.of();
        // A failed response carries only the result; its payload TLVs are legitimately absent.
        boolean failed = r.isPresent() && !r.get().isSuccess();
        if (!failed) {
            try {
                fields = QmiMessageNames.decodePayload(m).map(QmiPayload::fields).orElse(Map.of());
            } catch (QmiFormatException e) {
                decodeError = e.getMessage();
            }
        }
        return new Described(offset, frame, m, name, result, tlvs, fields, decodeError);
    }

    /** Text for a terminal, one block per entry. */
    public static String render(List<Entry> entries) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            render(e, sb);
        }
        return sb.toString();
    }

    private static void render(Entry e, StringBuilder sb) {
        if (e instanceof Described d) {
            QmiMessage m = d.message();
            sb.append(String.format("frame at %d, %d bytes: %s%n", d.offset(), d.bytes().length, Hex.spaced(d.bytes())));
            sb.append(String.format("  QMUX  flags 0x%02X (%s), service %s (0x%02X), client %d%n",
                    m.fromModem() ? 0x80 : 0, m.fromModem() ? "modem to host" : "host to modem",
                    QmiService.name(m.service()), m.service(), m.clientId()));
            sb.append(String.format("  QMI   %s, tid %d, message 0x%04X %s%n", m.kind().label(), m.transactionId(),
                    m.messageId(), QmiMessageNames.name(m.service(), m.messageId()).isPresent() ? d.messageName()
                            : "(unknown to modemflash)"));
            if (d.result() != null) {
                sb.append("  result: ").append(d.result()).append('\n');
            }
            for (TlvDescription t : d.tlvs()) {
                sb.append(String.format("  TLV 0x%02X (%d byte%s)%s: %s%n", t.type(), t.length(), t.length() == 1 ? "" : "s",
                        t.note() == null ? "" : " " + t.note(), t.hex()));
            }
            renderFields(d.fields(), "  ", sb);
            if (d.decodeError() != null) {
                sb.append("  error: ").append(d.decodeError()).append('\n');
            }
        } else if (e instanceof Invalid i) {
            sb.append(String.format("invalid frame at %d, %d bytes: %s%n  error: %s%n", i.offset(), i.bytes().length,
                    Hex.spaced(i.bytes()), i.error()));
        } else if (e instanceof Garbage g) {
            sb.append(String.format("skipped %d byte(s) at %d (no QMUX frame start): %s%n", g.bytes().length,
                    g.offset(), Hex.spaced(g.bytes())));
        } else if (e instanceof Incomplete i) {
            sb.append(String.format("%s at %d: %s%n", i.error(), i.offset(), Hex.spaced(i.bytes())));
        }
    }

    private static void renderFields(Map<String, Object> fields, String indent, StringBuilder sb) {
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            Object v = f.getValue();
            if (v instanceof List<?> list) {
                sb.append(indent).append(f.getKey()).append(": ").append(list.isEmpty() ? "(none)" : "").append('\n');
                for (Object item : list) {
                    if (item instanceof Map<?, ?> map) {
                        sb.append(indent).append("  -");
                        boolean first = true;
                        for (Map.Entry<?, ?> me : map.entrySet()) {
                            sb.append(first ? " " : ", ").append(me.getKey()).append('=').append(me.getValue());
                            first = false;
                        }
                        sb.append('\n');
                    } else {
                        sb.append(indent).append("  - ").append(item).append('\n');
                    }
                }
            } else {
                sb.append(indent).append(f.getKey()).append(": ").append(v).append('\n');
            }
        }
    }
}
