package io.modemflash.updater.cli;

import io.modemflash.updater.api.Failure;
import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * `modemflash info`, directly and through the real qmi-proxy, reports what Debian's qmicli
 * reads from the same emulated modem. qmicli is installed by .ci/run; a missing qmicli fails
 * unless -Dmodemflash.interop.skip=true is given explicitly (same switch as the emulator's).
 */
class InfoAgreesWithQmicliTest {
    private static final String SKIP = "modemflash.interop.skip";
    private static Set<Long> proxiesBefore;

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePeers() {
        boolean haveQmicli = Files.isExecutable(Path.of("/usr/bin/qmicli"));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!haveQmicli || !root) {
            String why = !haveQmicli ? "qmicli is not installed (apt-get install libqmi-utils libqmi-proxy)"
                    : "Debian's qmi-proxy only runs as root";
            if (Boolean.getBoolean(SKIP)) {
                Assumptions.abort(why + "; skipped by -D" + SKIP + "=true");
            }
            fail(why + "; skip locally with -D" + SKIP + "=true");
        }
        proxiesBefore = proxies();
    }

    /** Our --proxy run may have started qmi-proxy: stop what this test started, by pid. */
    @AfterAll
    static void stopSpawnedProxies() {
        if (proxiesBefore != null) {
            proxies().stream().filter(pid -> !proxiesBefore.contains(pid))
                    .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        }
    }

    private static Set<Long> proxies() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/qmi-proxy")).orElse(false))
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mc7455", "em7565"})
    void sameValuesAsQmicli(String profile) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.byName(profile))) {
            PtyFace face = modem.publishPty(dir);
            Path dev = face.qmiDevice();
            // qmicli first and directly: a running qmi-proxy would hold the port.
            String model = field(qmicli(dev, "--dms-get-model"), "Model");
            String revision = field(qmicli(dev, "--dms-get-revision"), "Revision");
            String ids = qmicli(dev, "--dms-get-ids");
            List<String> preference = qmicliPreference(qmicli(dev, "--dms-get-firmware-preference"));
            List<String> stored = qmicliStored(qmicli(dev, "--dms-list-stored-images"));
            assertFalse(preference.isEmpty());
            assertFalse(stored.isEmpty());

            for (boolean proxy : new boolean[] {false, true}) {
                String how = proxy ? " (--proxy)" : " (direct)";
                InfoCommandTest.Run r = proxy
                        ? InfoCommandTest.cli("info", "-d", dev.toString(), "--json", "--proxy")
                        : InfoCommandTest.cli("info", "-d", dev.toString(), "--json");
                assertEquals(0, r.exit(), r.stderr() + how);
                JsonNode info = r.event("info");
                assertEquals(model, info.get("model").asText(), how);
                assertEquals(revision, info.get("revision").asText(), how);
                assertEquals(field(ids, "IMEI"), info.at("/ids/imei").asText(), how);
                assertEquals(field(ids, "ESN"), info.at("/ids/esn").asText(), how);
                assertEquals(field(ids, "IMEI SV"), info.at("/ids/imei_sv").asText(), how);
                assertEquals(field(ids, "MEID"), info.at("/ids/meid").asText("unknown"), how);
                assertEquals(preference, infoPreference(info), how);
                assertEquals(stored, infoStored(info), how);
            }
        }
    }

    private String qmicli(Path dev, String query) throws Exception {
        Path out = Files.createTempFile(dir, "qmicli", ".out");
        Process p = new ProcessBuilder("/usr/bin/qmicli", "--device-open-qmi", "-d", dev.toString(), query)
                .redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("qmicli " + query + " hung:\n" + Files.readString(out));
        }
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), "qmicli " + query + ":\n" + text);
        return text;
    }

    private static String field(String text, String label) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(label) + ":\\s*'(.*)'$").matcher(text);
        if (!m.find()) {
            fail("no '" + label + "' in qmicli output:\n" + text);
        }
        return m.group(1);
    }

    /** "type|unique id|build id" per entry, from qmicli's [image N] blocks. */
    private static List<String> qmicliPreference(String text) {
        List<String> list = new ArrayList<>();
        Matcher m = Pattern.compile("Image type: '(.*)'\\s+Unique ID:\\s+'(.*)'\\s+Build ID:\\s+'(.*)'").matcher(text);
        while (m.find()) {
            list.add(m.group(1) + "|" + m.group(2) + "|" + m.group(3));
        }
        return list;
    }

    private static List<String> infoPreference(JsonNode info) {
        List<String> list = new ArrayList<>();
        info.get("firmware_preference").forEach(i -> list.add(
                i.get("type").asText() + "|" + i.get("unique_id").asText() + "|" + i.get("build_id").asText()));
        return list;
    }

    /** "type|unique|build|storage index|failures|current" per stored image. */
    private static List<String> qmicliStored(String text) {
        List<String> list = new ArrayList<>();
        String type = null;
        boolean current = false;
        for (String block : text.split("\\n\\s*\\n")) {
            Matcher t = Pattern.compile("Type:\\s+'(.*)'").matcher(block);
            if (t.find()) {
                type = t.group(1);
                continue;
            }
            current = block.contains("[CURRENT]");
            Matcher i = Pattern.compile("Unique ID:\\s+'(.*)'\\s+Build ID:\\s+'(.*)'\\s+Storage index:\\s+'(\\d+)'"
                    + "\\s+Failure count:\\s+'(\\d+)'").matcher(block);
            if (i.find()) {
                list.add(type + "|" + i.group(1) + "|" + i.group(2) + "|" + i.group(3) + "|" + i.group(4) + "|" + current);
            }
        }
        return list;
    }

    private static List<String> infoStored(JsonNode info) {
        List<String> list = new ArrayList<>();
        for (JsonNode l : info.get("stored_images")) {
            for (JsonNode i : l.get("images")) {
                list.add(l.get("type").asText() + "|" + i.get("unique_id").asText() + "|" + i.get("build_id").asText()
                        + "|" + i.get("storage_index").asInt() + "|" + i.get("failure_count").asInt() + "|"
                        + i.get("running").asBoolean());
            }
        }
        return list;
    }
}
