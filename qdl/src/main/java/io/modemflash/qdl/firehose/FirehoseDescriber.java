package io.modemflash.qdl.firehose;

import io.modemflash.qdl.Decoded;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Explains captured Firehose bytes: every document, every element with its attributes. */
public final class FirehoseDescriber {
    private FirehoseDescriber() {
    }

    public static List<Decoded> describe(byte[] bytes) {
        List<Decoded> out = new ArrayList<>();
        DocumentSplitter s = new DocumentSplitter(Math.max(1, bytes.length));
        s.feed(bytes, 0, bytes.length);
        int offset = 0;
        while (true) {
            String doc;
            try {
                doc = s.next();
            } catch (FirehoseXmlException e) {
                out.add(Decoded.bad(offset, bytes.length - offset, e.getMessage()));
                return out;
            }
            if (doc == null) {
                break;
            }
            int len = s.lastLength(); // invalid UTF-8 changes length when decoded: count wire bytes
            try {
                List<FirehoseElement> elements = FirehoseXml.parse(doc);
                if (elements.isEmpty()) {
                    out.add(Decoded.bad(offset, len, "a document without elements (no log, no response, no command)"));
                }
                for (FirehoseElement e : elements) {
                    Map<String, Object> f = new LinkedHashMap<>(e.attributes());
                    if (e.isResponse() && e.rawMode()) {
                        f.put("meaning", "raw data follows");
                    }
                    out.add(Decoded.ok(offset, len, e.tag(), f));
                }
            } catch (FirehoseXmlException ex) {
                out.add(Decoded.bad(offset, len, ex.getMessage()));
            }
            offset += len;
        }
        if (!s.isEmpty()) {
            String rest = new String(bytes, offset, bytes.length - offset, StandardCharsets.UTF_8);
            if (!rest.isBlank()) {
                out.add(Decoded.bad(offset, bytes.length - offset, "incomplete document (no </data>)"));
            }
        }
        if (out.isEmpty()) {
            out.add(Decoded.bad(0, bytes.length, "only white space: no document"));
        }
        return out;
    }
}
