package io.modemflash.images.flat;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads rawprogram/patch XML with the JDK's streaming (SAX) parser, hardened: no DOCTYPE at all
 * (so no entities, internal or external, and no billion laughs), no external DTD or schema
 * access, no XInclude, secure processing on. Only what flashing needs is kept (the root's
 * child elements and their attributes), within bounds real files never come near: the file
 * size, the number of elements, their nesting, the attributes per element and their length.
 * Every failure, whatever the parser throws (malformed XML, an unknown encoding, a DTD), is a
 * bad-package exception naming the file and the line.
 */
public final class SecureXml {
    /** rawprogram/patch files are a few hundred KiB at most. */
    static final long MAX_XML_BYTES = 16L << 20;
    static final int MAX_ELEMENTS = 20_000;
    static final int MAX_DEPTH = 8;
    static final int MAX_ATTRIBUTES = 64;
    static final int MAX_ATTRIBUTE_CHARS = 4096;

    /** The root element's name and its child elements, in order. */
    public record Document(String root, List<XmlElement> elements) {
        public Document {
            elements = List.copyOf(elements);
        }
    }

    private SecureXml() {
    }

    static SAXParser parser() {
        try {
            SAXParserFactory f = SAXParserFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setXIncludeAware(false);
            f.setNamespaceAware(false);
            SAXParser p = f.newSAXParser();
            p.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            p.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return p;
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the JDK XML parser cannot be hardened", e);
        }
    }

    /** Parses a package XML file; {@code where} names it in errors. */
    public static Document parse(Path file, String where) throws IOException {
        if (Files.size(file) > MAX_XML_BYTES) {
            throw new BadPackageException(Reason.TOO_LARGE, where, "XML file larger than " + MAX_XML_BYTES + " bytes");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(new InputSource(in), where);
        }
    }

    /** Parses XML text (tests). */
    public static Document parse(String xml, String where) throws IOException {
        return parse(new InputSource(new StringReader(xml)), where);
    }

    private static Document parse(InputSource source, String where) throws IOException {
        Collector c = new Collector();
        try {
            parser().parse(source, c);
        } catch (SAXException e) {
            throw refusal(where, e, c.line());
        } catch (IOException | RuntimeException e) {
            // the parser's own failures: an unknown encoding (UnsupportedEncodingException, message
            // the encoding's name), bytes invalid in the declared one, internal errors on odd input
            throw new BadPackageException(Reason.XML_INVALID, where, "unreadable XML (line " + Math.max(1, c.line())
                    + "): " + describe(e), e);
        }
        if (c.root == null) {
            throw new BadPackageException(Reason.XML_INVALID, where, "no root element");
        }
        return new Document(c.root, c.elements);
    }

    private static String describe(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
        if (e instanceof java.io.UnsupportedEncodingException) {
            return "unknown encoding '" + m + "'";
        }
        return m;
    }

    private static BadPackageException refusal(String where, SAXException e, int line) {
        String m = e.getMessage() == null ? "" : e.getMessage().replace('\n', ' ');
        int at = e instanceof SAXParseException p && p.getLineNumber() > 0 ? p.getLineNumber() : Math.max(1, line);
        if (m.contains("DOCTYPE") || m.contains("external entity")) {
            return new BadPackageException(Reason.XML_FORBIDDEN, where, "XML declares a DTD or entities (line " + at
                    + "), which are refused (possible XXE attack)", e);
        }
        if (e instanceof Bound) {
            return new BadPackageException(Reason.TOO_LARGE, where, m + " (line " + at + ")", e);
        }
        return new BadPackageException(Reason.XML_INVALID, where, "malformed XML (line " + at + "): " + m, e);
    }

    /** A bound of ours was crossed. */
    private static final class Bound extends SAXException {
        Bound(String m) {
            super(m);
        }
    }

    /** Keeps the root's children and their attributes; text, comments and deeper elements are dropped. */
    private static final class Collector extends DefaultHandler {
        private final List<XmlElement> elements = new ArrayList<>();
        private Locator locator;
        private String root;
        private int depth;
        private int count;

        int line() {
            return locator == null ? 0 : locator.getLineNumber();
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
            depth++;
            if (++count > MAX_ELEMENTS) {
                throw new Bound("more than " + MAX_ELEMENTS + " XML elements");
            }
            if (depth > MAX_DEPTH) {
                throw new Bound("XML elements nested deeper than " + MAX_DEPTH);
            }
            if (atts.getLength() > MAX_ATTRIBUTES) {
                throw new Bound("<" + qName + "> has " + atts.getLength() + " attributes (limit " + MAX_ATTRIBUTES + ")");
            }
            if (depth == 1) {
                root = qName;
                return;
            }
            if (depth > 2) {
                return;
            }
            Map<String, String> a = new LinkedHashMap<>();
            for (int i = 0; i < atts.getLength(); i++) {
                String v = atts.getValue(i);
                if (v.length() > MAX_ATTRIBUTE_CHARS) {
                    throw new Bound("attribute " + atts.getQName(i) + " of <" + qName + "> is " + v.length()
                            + " characters long (limit " + MAX_ATTRIBUTE_CHARS + ")");
                }
                a.put(atts.getQName(i), v);
            }
            elements.add(new XmlElement(qName, a, line()));
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            depth--;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }
    }
}
