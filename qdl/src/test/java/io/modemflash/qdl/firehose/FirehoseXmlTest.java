package io.modemflash.qdl.firehose;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.modemflash.qdl.firehose.FirehoseXml.attrs;
import static org.junit.jupiter.api.Assertions.*;

class FirehoseXmlTest {

    @Test
    void buildsSelfClosingOneTagDocuments() {
        String doc = new String(FirehoseXml.command("program", attrs("SECTOR_SIZE_IN_BYTES", 4096,
                "filename", "a&b<\"c\">'d'", "skipped", null)), StandardCharsets.UTF_8);
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data><program SECTOR_SIZE_IN_BYTES=\"4096\" "
                + "filename=\"a&amp;b&lt;&quot;c&quot;&gt;&apos;d&apos;\" /></data>", doc);
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data><nop /></data>",
                new String(FirehoseXml.command("nop", Map.of()), StandardCharsets.UTF_8));
    }

    @Test
    void escapingRoundTrips() throws FirehoseXmlException {
        String v = "x&y<z>\"q\"'s' done";
        var els = FirehoseXml.parse(new String(FirehoseXml.command("log", attrs("value", v)), StandardCharsets.UTF_8));
        assertEquals(v, els.get(0).attr("value"));
    }

    @Test
    void goldenResponses() throws FirehoseXmlException {
        var ack = FirehoseXml.parse("<?xml version=\"1.0\" ?><data><response value=\"ACK\" /></data>").get(0);
        assertTrue(ack.isAck());
        assertFalse(ack.rawMode());
        var raw = FirehoseXml.parse("<data><response value=\"ACK\" rawmode=\"true\" /></data>").get(0);
        assertTrue(raw.rawMode());
        var nak = FirehoseXml.parse("<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data><response value=\"NAK\" "
                + "MemoryName=\"NAND\" MaxPayloadSizeFromTargetInBytes=\"2048\" MaxPayloadSizeToTargetInBytes=\"8192\" "
                + "MaxPayloadSizeToTargetInBytesSupported=\"8192\" TargetName=\"9x55\" /></data>").get(0);
        assertFalse(nak.isAck());
        assertEquals("8192", nak.attr("MaxPayloadSizeToTargetInBytes"));
        assertEquals("9x55", nak.attr("targetname"), "attributes are case-insensitive");
        var log = FirehoseXml.parse("<data><log value=\"SWI supported functions: CWE\"/></data>").get(0);
        assertTrue(log.isLog());
        assertEquals("SWI supported functions: CWE", log.attr("value"));
    }

    @Test
    void tagsAndAttributesAreCaseInsensitive() throws FirehoseXmlException {
        var e = FirehoseXml.parse("<DATA><RESPONSE VALUE='ack' RawMode='TRUE'></RESPONSE></DATA>").get(0);
        assertTrue(e.isResponse());
        assertTrue(e.isAck());
        assertTrue(e.rawMode());
    }

    @Test
    void severalElementsAndCommentsAndCharRefs() throws FirehoseXmlException {
        List<FirehoseElement> els = FirehoseXml.parse("<?xml version=\"1.0\"?>\n<data>\n<!-- hi -->"
                + "<log value=\"a&#65;&#x42;\"/>\n<response value=\"ACK\"/>\n</data>");
        assertEquals(2, els.size());
        assertEquals("aAB", els.get(0).attr("value"));
    }

    @Test
    void hostileDocumentsAreRefused() {
        assertThrows(FirehoseXmlException.class, () -> FirehoseXml.parse(
                "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><data><log value=\"&x;\"/></data>"));
        assertThrows(FirehoseXmlException.class, () -> FirehoseXml.parse("<data><log value=\"&x;\"/></data>"));
        assertThrows(FirehoseXmlException.class, () -> FirehoseXml.parse("<data><log value=\"a & b\"/></data>"));
        assertThrows(FirehoseXmlException.class, () -> FirehoseXml.parse("<data><log value=\"unterminated/></data>"));
        assertThrows(FirehoseXmlException.class, () -> FirehoseXml.parse("<data><log value=bare/></data>"));
        assertThrows(FirehoseXmlException.class, () -> FirehoseXml.parse("<data><log value/></data>"));
        assertThrows(FirehoseXmlException.class, () -> FirehoseXml.parse("<data><log"));
        assertThrows(FirehoseXmlException.class, () -> FirehoseXml.parse("<data><![CDATA[x]]></data>"));
        assertThrows(FirehoseXmlException.class, () -> FirehoseXml.parse("<data><log value=\"&#0;\"/></data>"));
        assertThrows(FirehoseXmlException.class, () -> FirehoseXml.parse("<data><log value=\"&#xFFFFFFF;\"/></data>"));
        assertThrows(FirehoseXmlException.class, () -> FirehoseXml.parse("<data>< log/></data>"));
        assertThrows(FirehoseXmlException.class, () -> FirehoseXml.parse("<?xml version=\"1.0\""));
    }

    @Test
    void splitterHandlesSeveralDocsPerReadAndOneDocAcrossReads() throws FirehoseXmlException {
        var s = new DocumentSplitter(1 << 16);
        byte[] two = ("<?xml version=\"1.0\" ?><data><log value=\"a\"/></data>"
                + "<?xml version=\"1.0\" ?><data><response value=\"ACK\"/></DATA><?xml ver").getBytes(StandardCharsets.UTF_8);
        s.feed(two, 0, two.length);
        assertTrue(s.next().endsWith("</data>"));
        assertTrue(s.next().endsWith("</DATA>"));
        assertNull(s.next());
        byte[] rest = "sion=\"1.0\" ?><data><log value=\"b\"/></da".getBytes(StandardCharsets.UTF_8);
        s.feed(rest, 0, rest.length);
        assertNull(s.next());
        s.feed("ta>".getBytes(StandardCharsets.UTF_8), 0, 3);
        assertEquals("b", FirehoseXml.parse(s.next()).get(0).attr("value"));
        assertTrue(s.isEmpty());
    }

    @Test
    void splitterLeavesRawBytesAfterADocument() throws FirehoseXmlException {
        var s = new DocumentSplitter(1 << 16);
        byte[] b = "<data><response value=\"ACK\" rawmode=\"true\"/></data>\u0001\u0002\u0003".getBytes(StandardCharsets.UTF_8);
        s.feed(b, 0, b.length);
        assertNotNull(s.next());
        byte[] raw = new byte[8];
        assertEquals(3, s.takeRaw(raw, 0, 8));
        assertEquals(2, raw[1]);
    }

    @Test
    void splitterRefusesEndlessGarbage() {
        var s = new DocumentSplitter(100);
        byte[] junk = new byte[200];
        s.feed(junk, 0, junk.length);
        assertThrows(FirehoseXmlException.class, s::next);
    }

    @Test
    void supportedFunctionsBanner() {
        assertEquals(java.util.Set.of("program", "read", "nop", "configure"), SupportedFunctions.parse(List.of(
                "Binary build date: Jan 1 2020", "Chip serial num: 123", "Supported Functions (4):", "program", "read",
                "nop", "configure", "End of supported functions 4", "something else")));
        assertEquals(java.util.Set.of("program", "getstorageinfo", "power"),
                SupportedFunctions.parse(List.of("Supported Functions: program getStorageInfo,power")));
        assertTrue(SupportedFunctions.parse(List.of("SWI supported functions: CWE")).isEmpty());
    }

    @Test
    void storageInfoJsonAndKeyValue() {
        var json = StorageInfo.parse(List.of("INFO: something", "{\"storage_info\": {\"total_blocks\":7634944, "
                + "\"block_size\":512, \"page_size\":512, \"num_physical\":1, \"mem_type\":\"eMMC\"}}"));
        assertEquals(7634944L, json.totalBlocks());
        assertEquals(512, json.sectorSize());
        assertEquals("eMMC", json.memoryType());
        var sierra = StorageInfo.parse(List.of("sector_size_in_bytes=2048", "pages_in_block=128"));
        assertEquals(2048, sierra.sectorSize());
        assertEquals(128, sierra.pagesPerBlock());
        var none = StorageInfo.parse(List.of("nothing here", "{broken json}"));
        assertEquals(4096, none.sectorSize());
        assertEquals(64, none.pagesPerBlock());
    }

    @Test
    void namesThatCouldInjectACommandAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> FirehoseXml.command("program", attrs("label\"/><erase a", "1")));
        assertThrows(IllegalArgumentException.class, () -> FirehoseXml.command("x y", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> FirehoseXml.command("program", attrs("", "1")));
    }
}
