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
}
