package io.modemflash.updater.cli;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.pipeline.Stage;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `update --junit FILE` end to end against emulated modems on a pty tree (what `emulate --pty`
 * publishes): one modem updated (its storage compared byte for byte with the package), one
 * that boots its old firmware after the download (verify fails), and a port with no modem.
 * The report is parsed as XML: a testsuite per modem, a testcase per stage and one per modem,
 * failures typed with the exit code's label, stages that never ran skipped with the reason.
 */
class UpdateJunitReportTest {
    @TempDir
    Path dir;

    @Test
    void oneSuitePerModemOneCasePerStageFailuresWhereTheyHappened() throws Exception {
        Path pkg = SamplePackages.mc7455(dir.resolve("samples"));
        Path pty = dir.resolve("pty");
        Path report = dir.resolve("reports/modemflash.xml");
        try (EmulatedModem good = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, dir.resolve("storage0"));
             EmulatedModem old = EmulatedModem.start(Profiles.MC7455, FaultPlan.parse(List.of("reboot-old")),
                     dir.resolve("storage1"))) {
            PtyFace goodFace = good.publishPty(pty);
            PtyFace oldFace = old.publishPty(pty);
            CliRun r = CliRun.of("update", pkg.toString(), "-d", goodFace.qmiDevice().toString(),
                    "-d", oldFace.qmiDevice().toString(), "-d", "3-9", "--junit", report.toString(),
                    "--sysfs-root", pty.toString(), "--dev-root", pty.toString(),
                    "--state-dir", dir.resolve("state").toString(), "--poll-ms", "20", "--modem-retry-ms", "100");
            assertEquals(ExitCode.VERIFY_MISMATCH.code, r.code(), r.err());
            assertArrayEquals(Files.readAllBytes(pkg), Files.readAllBytes(dir.resolve("storage0/cwe/001-SPKG.cwe")));

            Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
            Element root = xml.getDocumentElement();
            assertEquals("testsuites", root.getTagName());
            Map<String, Element> suites = byName(root.getElementsByTagName("testsuite"));
            String p1 = goodFace.usbPort();
            String p2 = oldFace.usbPort();
            assertEquals(List.of("modemflash update " + p1, "modemflash update " + p2, "modemflash update 3-9"),
                    List.copyOf(suites.keySet()));
            int stages = Stage.values().length;
            assertEquals(3 * (stages + 1), Integer.parseInt(root.getAttribute("tests")));
            assertEquals(3, Integer.parseInt(root.getAttribute("failures")), "the second modem's verify and itself, 3-9");

            Map<String, Element> updated = cases(suites.get("modemflash update " + p1));
            List<String> expectedNames = new ArrayList<>();
            for (Stage s : Stage.values()) {
                expectedNames.add(p1 + ": " + s.label());
            }
            expectedNames.add(p1);
            assertEquals(expectedNames, List.copyOf(updated.keySet()));
            for (Element c : updated.values()) {
                assertEquals("modemflash.update", c.getAttribute("classname"));
                assertEquals(0, c.getChildNodes().getLength(), "passed: " + c.getAttribute("name"));
            }
            assertTrue(Double.parseDouble(updated.get(p1 + ": download").getAttribute("time")) > 0);
            assertEquals("0", suites.get("modemflash update " + p1).getAttribute("failures"));

            Map<String, Element> rebootedOld = cases(suites.get("modemflash update " + p2));
            Element verify = failure(rebootedOld.get(p2 + ": verify"));
            assertEquals("verify-mismatch", verify.getAttribute("type"));
            assertTrue(verify.getTextContent().contains(SamplePackages.MC7455_FIRMWARE), verify.getTextContent());
            assertEquals("verify-mismatch", failure(rebootedOld.get(p2)).getAttribute("type"));
            assertNull(child(rebootedOld.get(p2 + ": download"), "failure"), "the download itself passed");

            Map<String, Element> missing = cases(suites.get("modemflash update 3-9"));
            assertEquals("device-not-found", failure(missing.get("3-9")).getAttribute("type"));
            assertNull(child(missing.get("3-9: inspect"), "skipped"), "the package was inspected for every modem");
            Element probe = child(missing.get("3-9: probe"), "skipped");
            assertNotNull(probe);
            assertTrue(probe.getAttribute("message").contains("no modem at 3-9"), probe.getAttribute("message"));
        }
    }

    @Test
    void aReportFileThatCannotBeWrittenIsAUsageErrorBeforeAnythingHappens() throws Exception {
        Path pkg = SamplePackages.mc7455(dir.resolve("samples"));
        Files.createDirectories(dir.resolve("a-folder"));
        CliRun r = CliRun.of("update", pkg.toString(), "-d", "3-9", "--junit", dir.resolve("a-folder").toString(),
                "--sysfs-root", dir.toString(), "--dev-root", dir.toString(), "--state-dir", dir.resolve("s").toString());
        assertEquals(ExitCode.USAGE.code, r.code(), r.err());
        assertTrue(r.err().contains("--junit " + dir.resolve("a-folder") + ": is a directory"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    private static Map<String, Element> byName(NodeList nodes) {
        Map<String, Element> m = new LinkedHashMap<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            assertNull(m.put(e.getAttribute("name"), e), "two named " + e.getAttribute("name"));
        }
        return m;
    }

    private static Map<String, Element> cases(Element suite) {
        assertNotNull(suite);
        return byName(suite.getElementsByTagName("testcase"));
    }

    private static Element failure(Element testcase) {
        Element f = child(testcase, "failure");
        assertNotNull(f, testcase.getAttribute("name") + " should have failed");
        return f;
    }

    private static Element child(Element e, String tag) {
        NodeList l = e.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : (Element) l.item(0);
    }
}
