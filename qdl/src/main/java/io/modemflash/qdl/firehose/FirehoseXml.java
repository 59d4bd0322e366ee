package io.modemflash.qdl.firehose;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the one-command documents the host sends and scans the documents the device sends.
 * The scanner is small and strict on purpose: no DTD, no external or custom entities, no
 * CDATA; only elements, attributes, the five predefined entities and character references.
 */
public final class FirehoseXml {
    public static final String PROLOG = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>";
    private static final int MAX_ATTRIBUTES = 256;

    private FirehoseXml() {
    }

    /** {@code <?xml ...?><data><tag a="v" /></data>}: self-closing, attributes in the given order. */
    public static byte[] command(String tag, Map<String, String> attributes) {
        requireName(tag);
        StringBuilder sb = new StringBuilder(128).append(PROLOG).append("<data><").append(tag);
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            requireName(e.getKey());
            sb.append(' ').append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
        }
        return sb.append(" /></data>").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Names may come from a package's rawprogram XML: refuse anything that is not a plain XML
     * name, so no name can close the tag and smuggle a second command.
     */
    private static void requireName(String name) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("not a valid Firehose tag or attribute name: \"" + name + "\"");
        }
    }

    /** Attribute order matters to humans reading logs, not to programmers; keep it stable. */
    public static Map<String, String> attrs(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("attrs needs name/value pairs");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                m.put((String) keyValues[i], String.valueOf(keyValues[i + 1]));
            }
        }
        return m;
    }

    public static String escape(String v) {
        StringBuilder sb = new StringBuilder(v.length() + 8);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The elements of one document in order, the {@code data} wrapper left out. */
    public static List<FirehoseElement> parse(String doc) throws FirehoseXmlException {
        List<FirehoseElement> out = new ArrayList<>(2);
        int n = doc.length();
        int i = 0;
        while (i < n) {
            char c = doc.charAt(i);
            if (c != '<') {
                int next = doc.indexOf('<', i);
                i = next < 0 ? n : next; // text and stray bytes between elements carry nothing
                continue;
            }
            if (doc.startsWith("<?", i)) {
                i = skipPast(doc, i, "?>", "processing instruction");
            } else if (doc.startsWith("<!--", i)) {
                i = skipPast(doc, i, "-->", "comment");
            } else if (doc.startsWith("<!", i)) {
                throw new FirehoseXmlException("device document has a DTD, entity or CDATA declaration: refused");
            } else if (doc.startsWith("</", i)) {
                int end = doc.indexOf('>', i);
                if (end < 0) {
                    throw new FirehoseXmlException("unterminated end tag at offset " + i);
                }
                i = end + 1;
            } else {
                i = element(doc, i + 1, out);
            }
        }
        return out;
    }

    private static int skipPast(String doc, int i, String end, String what) throws FirehoseXmlException {
        int e = doc.indexOf(end, i);
        if (e < 0) {
            throw new FirehoseXmlException("unterminated " + what + " at offset " + i);
        }
        return e + end.length();
    }

    private static int element(String doc, int i, List<FirehoseElement> out) throws FirehoseXmlException {
        int n = doc.length();
        int start = i;
        while (i < n && isNameChar(doc.charAt(i))) {
            i++;
        }
        if (i == start) {
            throw new FirehoseXmlException("malformed tag at offset " + (start - 1));
        }
        String tag = doc.substring(start, i).toLowerCase(Locale.ROOT);
        Map<String, String> attrs = new LinkedHashMap<>();
        while (true) {
            i = skipSpace(doc, i);
            if (i >= n) {
                throw new FirehoseXmlException("unterminated <" + tag + "> element");
            }
            char c = doc.charAt(i);
            if (c == '/' ) {
                if (i + 1 >= n || doc.charAt(i + 1) != '>') {
                    throw new FirehoseXmlException("malformed <" + tag + "> element: '/' not followed by '>'");
                }
                i += 2;
                break;
            }
            if (c == '>') {
                i++;
                break;
            }
            int ns = i;
            while (i < n && isNameChar(doc.charAt(i))) {
                i++;
            }
            if (i == ns) {
                throw new FirehoseXmlException("malformed attribute in <" + tag + "> at offset " + i);
            }
            String name = doc.substring(ns, i);
            i = skipSpace(doc, i);
            if (i >= n || doc.charAt(i) != '=') {
                throw new FirehoseXmlException("attribute " + name + " of <" + tag + "> has no value");
            }
            i = skipSpace(doc, i + 1);
            if (i >= n || (doc.charAt(i) != '"' && doc.charAt(i) != '\'')) {
                throw new FirehoseXmlException("attribute " + name + " of <" + tag + "> is not quoted");
            }
            char q = doc.charAt(i);
            int vs = i + 1;
            int ve = doc.indexOf(q, vs);
            if (ve < 0) {
                throw new FirehoseXmlException("unterminated value of attribute " + name + " in <" + tag + ">");
            }
            String raw = doc.substring(vs, ve);
            if (raw.indexOf('<') >= 0) {
                throw new FirehoseXmlException("'<' inside attribute " + name + " of <" + tag + ">");
            }
            if (attrs.size() >= MAX_ATTRIBUTES) {
                throw new FirehoseXmlException("<" + tag + "> has too many attributes");
            }
            attrs.put(name, unescape(raw));
            i = ve + 1;
        }
        if (!tag.equals("data")) {
            out.add(new FirehoseElement(tag, attrs));
        }
        return i;
    }

    private static int skipSpace(String doc, int i) {
        while (i < doc.length() && Character.isWhitespace(doc.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == ':';
    }

    static String unescape(String v) throws FirehoseXmlException {
        int amp = v.indexOf('&');
        if (amp < 0) {
            return v;
        }
        StringBuilder sb = new StringBuilder(v.length());
        int i = 0;
        while (i < v.length()) {
            char c = v.charAt(i);
            if (c != '&') {
                sb.append(c);
                i++;
                continue;
            }
            int semi = v.indexOf(';', i);
            if (semi < 0 || semi - i > 10) {
                throw new FirehoseXmlException("bare '&' in attribute value");
            }
            String ent = v.substring(i + 1, semi);
            switch (ent) {
                case "amp" -> sb.append('&');
                case "lt" -> sb.append('<');
                case "gt" -> sb.append('>');
                case "quot" -> sb.append('"');
                case "apos" -> sb.append('\'');
                default -> sb.appendCodePoint(charRef(ent));
            }
            i = semi + 1;
        }
        return sb.toString();
    }

    private static int charRef(String ent) throws FirehoseXmlException {
        try {
            int cp;
            if (ent.startsWith("#x") || ent.startsWith("#X")) {
                cp = Integer.parseInt(ent.substring(2), 16);
            } else if (ent.startsWith("#")) {
                cp = Integer.parseInt(ent.substring(1));
            } else {
                throw new FirehoseXmlException("entity &" + ent + "; is not allowed");
            }
            if (!Character.isValidCodePoint(cp) || cp == 0) {
                throw new FirehoseXmlException("invalid character reference &" + ent + ";");
            }
            return cp;
        } catch (NumberFormatException e) {
            throw new FirehoseXmlException("invalid character reference &" + ent + ";");
        }
    }
}
