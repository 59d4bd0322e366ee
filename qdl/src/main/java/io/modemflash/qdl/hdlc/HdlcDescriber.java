package io.modemflash.qdl.hdlc;

import io.modemflash.qdl.Decoded;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Explains captured Sierra QDL bytes: HDLC frames, or one bare (unframed) payload. */
public final class HdlcDescriber {
    private HdlcDescriber() {
    }

    public static List<Decoded> describe(byte[] bytes) {
        List<Decoded> out = new ArrayList<>();
        boolean framed = false;
        for (byte b : bytes) {
            framed |= (b & 0xff) == Hdlc.FLAG;
        }
        if (!framed) {
            out.add(payload(bytes, 0, bytes.length));
            return out;
        }
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || (bytes[i] & 0xff) == Hdlc.FLAG) {
                if (i > start) {
                    byte[] frame = java.util.Arrays.copyOfRange(bytes, start, i);
                    try {
                        byte[] p = Hdlc.unframe(frame);
                        Decoded d = payload(p, start, i - start);
                        out.add(i == bytes.length && !d.isError()
                                ? Decoded.bad(start, i - start, "frame not terminated by 7E (" + d.name() + ")") : d);
                    } catch (HdlcException e) {
                        out.add(Decoded.bad(start, i - start, e.getMessage()));
                    }
                }
                start = i + 1;
            }
        }
        if (out.isEmpty()) {
            out.add(Decoded.bad(0, bytes.length, bytes.length == 1 ? "a lone flag (7E): no frame"
                    : "only flags (7E): empty frames, nothing between them"));
        }
        return out;
    }

    private static Decoded payload(byte[] p, int offset, int length) {
        try {
            QdlMessage m = QdlCodec.decode(p);
            Map<String, Object> f = Decoded.fieldsOf((Record) m);
            if (m instanceof QdlMessage.Error e) {
                f.put("error_name", e.describe());
            } else if (m instanceof QdlMessage.WriteRsp w) {
                f.put("status_name", QdlError.describe(w.status()));
            } else if (m instanceof QdlMessage.OpenRsp o) {
                f.put("status_name", QdlError.describe(o.status()));
            } else if (m instanceof QdlMessage.CloseRsp c) {
                f.put("status_name", QdlError.describe(c.status()));
            } else if (m instanceof QdlMessage.DiagBadCommand) {
                f.put("meaning", "DIAG 'bad command' echo: this port is not in download mode");
            }
            return Decoded.ok(offset, length, m.getClass().getSimpleName(), f);
        } catch (HdlcException e) {
            return Decoded.bad(offset, length, e.getMessage());
        }
    }
}
