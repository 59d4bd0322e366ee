package io.modemflash.emulator;

import io.modemflash.qmi.ctl.GetVersionInfo.ServiceVersion;
import io.modemflash.qmi.dms.ImageId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Real libqmi against the pty face: Debian's qmicli, directly (--device-open-qmi) and
 * through qmi-proxy (-p). CI installs libqmi-utils and libqmi-proxy (.ci/run); a missing
 * qmicli fails these tests unless -Dmodemflash.interop.skip=true is given explicitly.
 */
class QmicliInteropTest {
    static final String SKIP_PROPERTY = "modemflash.interop.skip";

    /** libqmi's short names of the services our profiles list. */
    private static final Map<Integer, String> LIBQMI_NAMES = Map.ofEntries(
            Map.entry(0x00, "ctl"), Map.entry(0x01, "wds"), Map.entry(0x02, "dms"), Map.entry(0x03, "nas"),
            Map.entry(0x04, "qos"), Map.entry(0x05, "wms"), Map.entry(0x06, "pds"), Map.entry(0x07, "auth"),
            Map.entry(0x08, "at"), Map.entry(0x09, "voice"), Map.entry(0x0A, "cat2"), Map.entry(0x0B, "uim"),
            Map.entry(0x0C, "pbm"), Map.entry(0x10, "loc"), Map.entry(0x11, "sar"), Map.entry(0x1A, "wda"),
            Map.entry(0x24, "pdc"), Map.entry(0xE1, "rms"), Map.entry(0xE2, "oma"));

    private static String qmicli;
    private static Set<Long> proxiesBefore;

    @TempDir
    Path dir;

    @BeforeAll
    static void findQmicli() {
        qmicli = onPath("qmicli").orElse(null);
        if (qmicli == null) {
            if (Boolean.getBoolean(SKIP_PROPERTY)) {
                Assumptions.abort("qmicli not installed and -D" + SKIP_PROPERTY + "=true given");
            }
            fail("qmicli not found on PATH: install libqmi-utils and libqmi-proxy (.ci/run does), "
                    + "or skip locally with -D" + SKIP_PROPERTY + "=true");
        }
        proxiesBefore = proxies();
    }

    /** qmi-proxy outlives the qmicli that spawned it: end the ones these tests started, by pid. */
    @AfterAll
    static void stopSpawnedProxies() {
        if (proxiesBefore == null) {
            return;
        }
        for (long pid : proxies()) {
            if (!proxiesBefore.contains(pid)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            }
        }
    }

    private static Set<Long> proxies() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/qmi-proxy")).orElse(false))
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    private static Optional<String> onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }

    private record Result(int exit, String out) {
    }

    /** Debian's qmi-proxy refuses to run for anyone but root ("Not enough privileges"). */
    private static void requireProxyUser() {
        if (!"root".equals(System.getProperty("user.name"))) {
            if (Boolean.getBoolean(SKIP_PROPERTY)) {
                Assumptions.abort("qmi-proxy needs root and -D" + SKIP_PROPERTY + "=true given");
            }
            fail("qmi-proxy only runs as root (Debian build: 'Not enough privileges'); run the tests as root, "
                    + "or skip locally with -D" + SKIP_PROPERTY + "=true");
        }
    }

    private Result run(boolean proxy, Path device, String... args) throws Exception {
        if (proxy) {
            requireProxyUser();
        }
        List<String> cmd = new ArrayList<>(List.of(qmicli, "--device-open-qmi", "-d", device.toString()));
        cmd.addAll(List.of(args));
        if (proxy) {
            cmd.add(1, "-p");
        }
        Path out = Files.createTempFile(dir, "qmicli", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish:\n" + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private String ok(boolean proxy, Path device, String... args) throws Exception {
        Result r = run(proxy, device, args);
        assertEquals(0, r.exit(), "qmicli " + (proxy ? "-p " : "") + String.join(" ", args) + " failed:\n" + r.out());
        return r.out();
    }

    private static String field(String out, String label) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(label) + ":\\s*'(.*)'$").matcher(out);
        assertTrue(m.find(), "no '" + label + "' in:\n" + out);
        return m.group(1);
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }

    private record Stored(String type, String uniqueId, String buildId, int storageIndex, boolean current) {
    }

    private static List<Stored> expectedStored(EmulatedModem modem) {
        List<Stored> out = new ArrayList<>();
        List<Profile.ImageSlot> slots = modem.profile().qmi().storedImages();
        for (int s = 0; s < slots.size(); s++) {
            Profile.ImageSlot slot = slots.get(s);
            for (int i = 0; i < slot.images().size(); i++) {
                ImageId img = slot.images().get(i);
                out.add(new Stored(ImageId.typeName(slot.type()), img.uniqueIdText(), img.buildId(), i + 1,
                        modem.qmi().runningIndex(s) == i));
            }
        }
        return out;
    }

    private static List<Stored> parseStored(String out) {
        List<Stored> list = new ArrayList<>();
        Pattern typeLine = Pattern.compile("^\\s*\\[\\d+\\] Type:\\s*'(.*)'$");
        Pattern kv = Pattern.compile("^\\s*(Unique ID|Build ID|Storage index):\\s*'(.*)'$");
        String type = null;
        String unique = null;
        String build = null;
        boolean current = false;
        for (String line : out.split("\n")) {
            Matcher t = typeLine.matcher(line);
            if (t.matches()) {
                type = t.group(1);
                continue;
            }
            if (line.contains("[CURRENT]")) {
                current = true;
                continue;
            }
            Matcher m = kv.matcher(line);
            if (m.matches()) {
                switch (m.group(1)) {
                    case "Unique ID" -> unique = m.group(2);
                    case "Build ID" -> build = m.group(2);
                    default -> {
                        list.add(new Stored(type, unique, build, Integer.parseInt(m.group(2)), current));
                        current = false;
                    }
                }
            }
        }
        return list;
    }

    private static List<ImageId> parsePreference(String out) {
        List<ImageId> list = new ArrayList<>();
        Matcher m = Pattern.compile("Image type: '(.*)'\\s+Unique ID:\\s+'(.*)'\\s+Build ID:\\s+'(.*)'").matcher(out);
        while (m.find()) {
            int type = m.group(1).equals("modem") ? ImageId.TYPE_MODEM : m.group(1).equals("pri") ? ImageId.TYPE_PRI : -1;
            list.add(ImageId.of(type, m.group(2), m.group(3)));
        }
        return list;
    }

    private static List<String> parseVersions(String out) {
        List<String> list = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s+(\\w+) \\((\\d+\\.\\d+)\\)$").matcher(out);
        while (m.find()) {
            list.add(m.group(1) + " " + m.group(2));
        }
        return list;
    }

    private static List<String> expectedVersions(Profile p) {
        List<String> list = new ArrayList<>();
        for (ServiceVersion s : p.services()) {
            list.add(LIBQMI_NAMES.get(s.service()) + " " + s.major() + "." + s.minor());
        }
        return list;
    }

    /** The five queries, checked against the profile, directly and then through qmi-proxy. */
    private void checkAllQueries(Profile profile) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(profile)) {
            PtyFace face = modem.publishPty(dir);
            Path dev = face.qmiDevice();
            Profile.Identity id = profile.identity();
            // direct first: once qmi-proxy holds the port it would read answers meant for a direct client
            for (boolean proxy : new boolean[] {false, true}) {
                String how = proxy ? " (via qmi-proxy)" : " (direct)";
                assertEquals(id.revision(), field(ok(proxy, dev, "--dms-get-revision"), "Revision"), how);
                assertEquals(expectedVersions(profile), parseVersions(ok(proxy, dev, "--get-service-version-info")), how);
                String ids = ok(proxy, dev, "--dms-get-ids");
                assertEquals(orUnknown(id.esn()), field(ids, "ESN"), how);
                assertEquals(id.imei(), field(ids, "IMEI"), how);
                assertEquals(orUnknown(id.meid()), field(ids, "MEID"), how);
                assertEquals(id.imeiSv(), field(ids, "IMEI SV"), how);
                if (profile.qmi().hasFirmwarePreference()) {
                    assertEquals(profile.qmi().firmwarePreference(),
                            parsePreference(ok(proxy, dev, "--dms-get-firmware-preference")), how);
                    List<Stored> stored = parseStored(ok(proxy, dev, "--dms-list-stored-images"));
                    assertEquals(expectedStored(modem), stored, how);
                    assertTrue(stored.stream().anyMatch(Stored::current));
                } else {
                    for (String q : List.of("--dms-get-firmware-preference", "--dms-list-stored-images")) {
                        Result r = run(proxy, dev, q);
                        assertNotEquals(0, r.exit(), q + how);
                        assertTrue(r.out().contains("InvalidQmiCommand"), q + how + ":\n" + r.out());
                    }
                }
            }
            // qmicli releases its client ids; qmi-proxy may keep none either once its client left
            assertEquals(Set.of(), modem.allocatedClientIds(io.modemflash.qmi.QmiService.DMS));
            assertNull(face.failure());
        }
    }

    @Test
    void mc7455() throws Exception {
        checkAllQueries(Profiles.MC7455);
    }

    @Test
    void em7565() throws Exception {
        checkAllQueries(Profiles.EM7565);
    }

    @Test
    void edl() throws Exception {
        checkAllQueries(Profiles.EDL);
    }

    /** State changes made by qmicli are seen by the emulator and answered in libqmi's layouts. */
    @Test
    void clientIdLeaksSyncAndFirmwarePreferenceThroughQmicli() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            Path dev = modem.publishPty(dir).qmiDevice();
            String out = run(false, dev, "--dms-get-model", "--client-no-release-cid").out();
            int cid = Integer.parseInt(field(out, "CID"));
            assertEquals(Set.of(cid), modem.allocatedClientIds(io.modemflash.qmi.QmiService.DMS));
            // the leaked id can be reused, and Sync on open drops it
            assertEquals("MC7455", field(run(false, dev, "--dms-get-model", "--client-cid=" + cid,
                    "--client-no-release-cid").out(), "Model"));
            ok(false, dev, "--device-open-sync", "--dms-get-model");
            assertEquals(Set.of(), modem.allocatedClientIds(io.modemflash.qmi.QmiService.DMS));

            // a stored carrier: nothing to download; a new build: download needed
            out = ok(false, dev, "--dms-set-firmware-preference=02.33.03.00,002.073_000,VERIZON");
            assertTrue(out.contains("No new images are required to be downloaded"), out);
            out = ok(false, dev, "--dms-set-firmware-preference=02.33.03.01,002.072_001,GENERIC");
            assertFalse(out.contains("No new images are required"), out);
            assertEquals(List.of(0, 1), modem.qmi().pendingDownload());
            ok(false, dev, "--dms-set-operating-mode=offline");
            // keep the client on reset, as updaters do: the QMI function is gone afterwards
            ok(false, dev, "--dms-set-operating-mode=reset", "--client-no-release-cid");
            assertEquals(io.modemflash.emulator.qmi.QmiEngine.Phase.DOWNLOAD, modem.phase());
        }
    }

    /** modemflash's own host stack (qmi-prep) on the pty, directly and through the real qmi-proxy. */
    @Test
    void hostStackOnThePtyDirectAndThroughQmiProxy() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565)) {
            Path dev = modem.publishPty(dir).qmiDevice();
            for (boolean proxy : new boolean[] {false, true}) {
                if (proxy) {
                    requireProxyUser();
                }
                try (var device = io.modemflash.qmi.client.QmiDevice.open(dev, proxy,
                        io.modemflash.qmi.client.QmiDeviceOptions.defaults());
                     var dms = device.dms()) {
                    assertEquals("EM7565", dms.getModel(), proxy ? "via qmi-proxy" : "direct");
                    assertEquals(Profiles.EM7565.identity().revision(), dms.getRevision());
                }
                assertEquals(Set.of(), modem.allocatedClientIds(io.modemflash.qmi.QmiService.DMS));
            }
        }
    }
}
