package io.modemflash.updater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.updater.api.Output;
import io.modemflash.updater.discovery.FakeSysfs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `modemflash devices` warns, naming the udev rule, when a download-mode device's usbfs node
 * (DEV/bus/usb/BBB/DDD) cannot be opened read-write by the user running it. Real permissions on
 * a real file: the command runs as its own process, as an unprivileged user (nobody through
 * setpriv when the tests run as root, for whom every node is accessible).
 */
class DevicesAccessWarningTest {
    @TempDir
    Path dir;

    FakeSysfs fs;
    Path usbNode;

    @BeforeEach
    void edlDeviceAndAModem() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        fs = new FakeSysfs(dir.resolve("tree"));
        Path edl = fs.device("1-2", 0x05c6, 0x9008, 12, 1, "QUSB_BULK_CID:0404_SN:5A1EE025", null);
        fs.iface(edl, 0, 0xff, 0xff, 0xff, null);
        Path modem = fs.device("2-1.4", 0x1199, 0x9071, 7, 4, "Sierra Wireless MC7455", "LF72751234011017");
        fs.cdcWdm(fs.iface(modem, 8, 0xff, 0xff, 0xff, "qmi_wwan"), "cdc-wdm0", true);
        usbNode = Files.createDirectories(fs.dev.resolve("bus/usb/001")).resolve("012");
        Files.createFile(usbNode);
        // the application-mode modem's usbfs node: never looked at (QMI goes through cdc-wdm)
        Path modemNode = Files.createDirectories(fs.dev.resolve("bus/usb/002")).resolve("007");
        Files.createFile(modemNode);
        Files.setPosixFilePermissions(modemNode, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aDownloadModeNodeWithoutReadWriteAccessIsWarnedAboutWithTheRule() throws Exception {
        Files.setPosixFilePermissions(usbNode, PosixFilePermissions.fromString("rw-r--r--"));
        Result r = devices();
        assertEquals(0, r.exit, r.err);
        assertTrue(r.err.contains("warning: no read-write access to " + usbNode + " (05c6:9008 at 1-2, download mode)"), r.err);
        assertTrue(r.err.contains("70-modemflash.rules"), r.err);
        assertEquals(1, r.err.lines().filter(l -> l.startsWith("warning:")).count(), "only download-mode devices: " + r.err);

        List<JsonNode> warnings = r.events("warning");
        assertEquals(1, warnings.size(), r.out);
        assertEquals("1-2", warnings.get(0).path("port").asText());
        assertEquals(usbNode.toString(), warnings.get(0).path("node").asText());
        assertEquals("70-modemflash.rules", warnings.get(0).path("rule").asText());
        assertEquals(2, r.events("device").size(), r.out);
    }

    @Test
    void aNodeTheUserMayOpenGivesNoWarning() throws Exception {
        Files.setPosixFilePermissions(usbNode, PosixFilePermissions.fromString("rw-rw-rw-"));
        Result r = devices();
        assertEquals(0, r.exit, r.err);
        assertFalse(r.err.contains("warning"), r.err);
        assertTrue(r.events("warning").isEmpty(), r.out);
        assertEquals(2, r.events("device").size(), r.out);
    }

    record Result(int exit, String out, String err) {
        List<JsonNode> events(String name) throws IOException {
            List<JsonNode> found = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    JsonNode n = Output.mapper().readTree(line);
                    if (n.path("event").asText().equals(name)) {
                        found.add(n);
                    }
                }
            }
            return found;
        }
    }

    /** `modemflash devices --json` on the fake tree, as an unprivileged user. */
    private Result devices() throws Exception {
        boolean root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        List<String> cmd = new ArrayList<>();
        String classPath = System.getProperty("java.class.path");
        if (root) {
            cmd.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
            classPath = readableByAnyone(classPath);
        }
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-Djna.tmpdir=" + tmp, "-cp", classPath, Main.class.getName(),
                "devices", "--json", "--sysfs-root", fs.root.toString(), "--dev-root", fs.root.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "devices did not finish");
        return new Result(p.exitValue(), out, Files.readString(dir.resolve("stderr")));
    }

    /** The test class path with its jars copied where user nobody can read them (~/.m2 is private; umask 022 here). */
    private String readableByAnyone(String classPath) throws IOException {
        Path jars = Files.createDirectories(dir.resolve("cp"));
        List<String> entries = new ArrayList<>();
        for (String e : classPath.split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isRegularFile(p)) {
                Path copy = jars.resolve(entries.size() + "-" + p.getFileName());
                Files.copy(p, copy);
                entries.add(copy.toString());
            } else {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
