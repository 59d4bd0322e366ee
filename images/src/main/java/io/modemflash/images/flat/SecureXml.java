package io.modemflash.images.flat;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JDK's DOM parser, hardened: no DOCTYPE at all (so no entities, internal or
 * external, and no billion-laughs), no external DTD or schema access, no XInclude,
 * secure processing on. Files that declare a DTD are refused, not silently parsed.
 */
public final class SecureXml {
    /** rawprogram/patch files are a few hundred KiB at most. */
    static final long MAX_XML_BYTES = 16L << 20;

    private SecureXml() {
    }

    static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(false);
            DocumentBuilder b = f.newDocumentBuilder();
            // belt and braces: should anything still try to resolve an entity, give it nothing
            b.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity '" + systemId + "' refused");
            });
            // the default handler prints "[Fatal Error]" lines on stderr; errors become exceptions instead
            b.setErrorHandler(new org.xml.sax.ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser cannot be hardened", e);
        }
    }

    /** Parses a package XML file; {@code where} names it in errors. */
    public static Document parse(Path file, String where) throws IOException {
        if (Files.size(file) > MAX_XML_BYTES) {
            throw new BadPackageException(Reason.TOO_LARGE, where, "XML file larger than " + MAX_XML_BYTES + " bytes");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return builder().parse(in);
        } catch (SAXParseException e) {
            throw refusal(where, e);
        } catch (SAXException e) {
            throw refusal(where, e);
        }
    }

    /** Parses XML text (tests, and Firehose documents elsewhere). */
    public static Document parse(String xml, String where) throws IOException {
        try {
            return builder().parse(new org.xml.sax.InputSource(new StringReader(xml)));
        } catch (SAXException e) {
            throw refusal(where, e);
        }
    }

    private static BadPackageException refusal(String where, SAXException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("DOCTYPE") || m.contains("external entity")) {
            return new BadPackageException(Reason.XML_FORBIDDEN, where,
                    "XML declares a DTD or entities, which are refused (possible XXE attack)", e);
        }
        String at = e instanceof SAXParseException p ? " (line " + p.getLineNumber() + ")" : "";
        return new BadPackageException(Reason.XML_INVALID, where, "malformed XML" + at + ": " + m.replace('\n', ' '), e);
    }
}
