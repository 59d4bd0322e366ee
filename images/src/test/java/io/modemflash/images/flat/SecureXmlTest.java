package io.modemflash.images.flat;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** DTDs and entities are refused before anything they name is touched. */
class SecureXmlTest {
    @TempDir
    Path dir;

    @Test
    void externalEntitiesNeverReadTheirCanary() throws Exception {
        Path canary = Files.writeString(dir.resolve("canary.txt"), "CANARY-7f3a9c");
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(200);
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try (var s = server.accept()) {
                        connections.incrementAndGet();
                    } catch (SocketTimeoutException e) {
                        // keep listening
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/canary";
            String[] docs = {
                    "<?xml version=\"1.0\"?><!DOCTYPE data [<!ENTITY x SYSTEM \"" + canary.toUri() + "\">]>"
                            + "<data><program filename=\"&x;\" start_sector=\"0\"/></data>",
                    "<?xml version=\"1.0\"?><!DOCTYPE data [<!ENTITY x SYSTEM \"" + url + "\">]>"
                            + "<data><program filename=\"&x;\" start_sector=\"0\"/></data>",
                    "<?xml version=\"1.0\"?><!DOCTYPE data SYSTEM \"" + url + "\"><data/>",
                    "<?xml version=\"1.0\"?><!DOCTYPE data [<!ENTITY % p SYSTEM \"" + url + "\"> %p;]><data/>",
                    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>"
                            + "<data>&lol2;</data>",
            };
            for (String doc : docs) {
                Path xml = Files.writeString(dir.resolve("rawprogram0.xml"), doc);
                BadPackageException e = assertThrows(BadPackageException.class, () -> SecureXml.parse(xml, "rawprogram0.xml"));
                assertEquals(Reason.XML_FORBIDDEN, e.reason(), doc);
                assertFalse(e.getMessage().contains("CANARY"), e.getMessage());
                // and through the whole package path
                Files.write(dir.resolve("prog_firehose_ddr.elf"), new byte[0]);
                BadPackageException p = assertThrows(BadPackageException.class,
                        () -> FirmwarePackage.open(dir, Limits.defaults()).close());
                assertTrue(p.problems().stream().anyMatch(pr -> pr.reason() == Reason.XML_FORBIDDEN));
            }
            Thread.sleep(300); // give a (wrong) connection time to show up
            assertEquals(0, connections.get(), "the parser must not fetch external entities or DTDs");
        }
    }

    @Test
    void malformedXmlIsNamedWithItsLine() throws Exception {
        Path xml = Files.writeString(dir.resolve("patch0.xml"), "<patches>\n<patch\n</patches>");
        BadPackageException e = assertThrows(BadPackageException.class, () -> SecureXml.parse(xml, "patch0.xml"));
        assertEquals(Reason.XML_INVALID, e.reason());
        assertTrue(e.getMessage().startsWith("patch0.xml: malformed XML (line"), e.getMessage());
        // a truncated file: the parser's message mentions "entity", which must not read as an attack
        Path cut = Files.writeString(dir.resolve("rawprogram0.xml"), "<data><program");
        BadPackageException c = assertThrows(BadPackageException.class, () -> SecureXml.parse(cut, "rawprogram0.xml"));
        assertEquals(Reason.XML_INVALID, c.reason(), c.getMessage());
    }

    /** Issue 14 item 2: an unknown encoding ended in exit 1 "internal error", message "EBCDIC-FOO". */
    @Test
    void everyParserFailureIsABadPackageNamingFileAndLine() throws Exception {
        record Case(String name, byte[] xml, Reason reason, String says) {
        }
        byte[] badUtf8 = "<data>\n<program filename=\"x\u00ff\" start_sector=\"0\"/></data>".getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.List<Case> cases = java.util.List.of(
                new Case("encoding", "<?xml version=\"1.0\" encoding=\"EBCDIC-FOO\"?><data/>".getBytes(), Reason.XML_INVALID,
                        "(line 1): unknown encoding 'EBCDIC-FOO'"),
                new Case("utf8", badUtf8, Reason.XML_INVALID, "(line 2)"),
                new Case("malformed", "<data>\n\n<program a=\"1\" a=\"2\"/></data>".getBytes(), Reason.XML_INVALID,
                        "malformed XML (line 3)"),
                new Case("entity", "<data><program filename=\"&nope;\"/></data>".getBytes(), Reason.XML_INVALID,
                        "malformed XML (line 1)"),
                new Case("depth", ("<data>" + "<a>".repeat(20) + "</a>".repeat(20) + "</data>").getBytes(),
                        Reason.TOO_LARGE, "XML elements nested deeper than 8 (line 1)"),
                new Case("attribute", ("<data>\n<program filename=\"" + "x".repeat(5000) + "\"/></data>").getBytes(),
                        Reason.TOO_LARGE, "attribute filename of <program> is 5000 characters long (limit 4096) (line 2)"),
                new Case("elements", ("<data>" + "<erase/>".repeat(SecureXml.MAX_ELEMENTS + 1) + "</data>").getBytes(),
                        Reason.TOO_LARGE, "more than 20000 XML elements"));
        for (Case c : cases) {
            Path xml = Files.write(dir.resolve("rawprogram0.xml"), c.xml());
            BadPackageException e = assertThrows(BadPackageException.class, () -> SecureXml.parse(xml, "rawprogram0.xml"),
                    c.name());
            assertEquals(c.reason(), e.reason(), c.name() + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("rawprogram0.xml: "), e.getMessage());
            assertTrue(e.getMessage().contains(c.says()), c.name() + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    /** Issue 14 item 7: a 15.8 MB rawprogram0.xml took 701 MB as a DOM; the streaming parser keeps only elements. */
    @Test
    void aLargeFileIsReadStreaming() throws Exception {
        StringBuilder sb = new StringBuilder("<data>\n");
        String pad = "<!-- " + "c".repeat(1000) + " -->\n";
        while (sb.length() < 15_000_000) {
            sb.append(pad);
        }
        sb.append("<program filename=\"a.img\" start_sector=\"0\"/></data>");
        Path xml = Files.writeString(dir.resolve("rawprogram0.xml"), sb);
        SecureXml.Document d = SecureXml.parse(xml, "rawprogram0.xml");
        assertEquals(1, d.elements().size());
        assertEquals("a.img", d.elements().get(0).attributes().get("filename"));
        assertTrue(d.elements().get(0).line() > 14_000, "line " + d.elements().get(0).line());
    }
}
