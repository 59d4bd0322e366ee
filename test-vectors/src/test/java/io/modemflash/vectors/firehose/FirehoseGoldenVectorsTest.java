package io.modemflash.vectors.firehose;

import io.modemflash.qdl.firehose.DocumentSplitter;
import io.modemflash.qdl.firehose.FirehoseElement;
import io.modemflash.qdl.firehose.FirehoseXml;
import io.modemflash.qdl.firehose.SupportedFunctions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** PROTOCOLS.md section 7, Firehose part: each device document parses as stated, through qdl's codecs. */
class FirehoseGoldenVectorsTest {

    static String vector(String name) throws IOException {
        try (InputStream in = FirehoseGoldenVectorsTest.class.getResourceAsStream("/vectors/firehose/" + name + ".xml")) {
            assertNotNull(in, "missing vector " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static FirehoseElement only(String name) throws Exception {
        List<FirehoseElement> e = FirehoseXml.parse(vector(name));
        assertEquals(1, e.size(), name + ": one element per document");
        return e.get(0);
    }

    @Test
    void plainAck() throws Exception {
        FirehoseElement r = only("ack");
        assertTrue(r.isResponse());
        assertTrue(r.isAck());
        assertFalse(r.rawMode());
    }

    @Test
    void ackIntoRawMode() throws Exception {
        FirehoseElement r = only("ack-rawmode");
        assertTrue(r.isAck());
        assertTrue(r.rawMode());
    }

    /** Sierra 9x55 NAKs the first configure: the host must take MaxPayloadSizeToTargetInBytes (8192). */
    @Test
    void configureNakOffersTheSizeToUse() throws Exception {
        FirehoseElement r = only("configure-nak-9x55");
        assertTrue(r.isResponse());
        assertFalse(r.isAck());
        assertEquals("8192", r.attr("MaxPayloadSizeToTargetInBytes"));
        assertEquals("2048", r.attr("MaxPayloadSizeFromTargetInBytes"));
        assertEquals("NAND", r.attr("MemoryName"));
        assertEquals("9x55", r.attr("targetname"), "attribute names are case-insensitive");
    }

    @Test
    void swiSupportedFunctionsLog() throws Exception {
        FirehoseElement l = only("log-swi-supported");
        assertTrue(l.isLog());
        assertEquals("SWI supported functions: CWE", l.attr("value"));
        assertTrue(SupportedFunctions.parse(List.of(l.attr("value"))).isEmpty(), "not a Supported Functions banner");
    }

    /** On a tty several documents arrive in one read, and one may span reads: the splitter cuts at </data>. */
    @Test
    void allVectorsInOneStreamSplitBackIntoDocuments() throws Exception {
        List<String> names = List.of("log-swi-supported", "ack", "configure-nak-9x55", "ack-rawmode");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (String n : names) {
            stream.write(vector(n).getBytes(StandardCharsets.UTF_8));
        }
        byte[] all = stream.toByteArray();
        DocumentSplitter splitter = new DocumentSplitter(4096);
        int cut = all.length / 3; // mid-document
        splitter.feed(all, 0, cut);
        splitter.feed(all, cut, all.length - cut);
        for (String n : names) {
            assertEquals(vector(n), splitter.next(), n);
        }
        assertNull(splitter.next());
    }
}
