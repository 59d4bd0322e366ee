package io.modemflash.emulator.mbim;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.qmi.QmiService;
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

import static org.junit.jupiter.api.Assertions.*;

/**
 * Real libmbim and libqmi against the emulator's MBIM face: Debian's `mbimcli
 * --query-device-caps` and `qmicli --device-open-mbim --dms-get-revision`, directly and
 * through mbim-proxy (-p). CI installs libmbim-utils, libmbim-proxy and libqmi-utils
 * (.ci/run); a missing tool fails unless -Dmodemflash.interop.skip=true is given.
 */
class MbimInteropTest {
    private static Set<Long> proxiesBefore;

    @TempDir
    Path dir;

    @BeforeAll
    static void tools() {
        for (String tool : List.of("mbimcli", "qmicli")) {
            if (!Files.isExecutable(Path.of("/usr/bin", tool))) {
                if (Boolean.getBoolean("modemflash.interop.skip")) {
                    Assumptions.abort(tool + " not installed and -Dmodemflash.interop.skip=true given");
                }
                fail(tool + " not found: install libmbim-utils, libmbim-proxy and libqmi-utils (.ci/run does)");
            }
        }
        proxiesBefore = proxies();
    }

    /** mbim-proxy outlives the client that spawned it: end the ones these tests started, by pid. */
    @AfterAll
    static void stopSpawnedProxies() {
        if (proxiesBefore != null) {
            proxies().stream().filter(p -> !proxiesBefore.contains(p))
                    .forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroy));
        }
    }

    private static Set<Long> proxies() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/mbim-proxy")).orElse(false))
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    private String run(List<String> cmd) throws Exception {
        Path out = Files.createTempFile(dir, "tool", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish:\n" + Files.readString(out));
        }
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + text);
        return text;
    }

    private static String field(String out, String label) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(label) + ":\\s*'(.*)'$").matcher(out);
        assertTrue(m.find(), "no '" + label + "' in:\n" + out);
        return m.group(1);
    }

    private static List<String> cmd(boolean proxy, String... args) {
        List<String> c = new ArrayList<>(List.of(args));
        if (proxy) {
            c.add(1, "-p");
        }
        return c;
    }

    @ParameterizedTest(name = "proxy={0}")
    @ValueSource(booleans = {false, true})
    void mbimcliQueriesDeviceCaps(boolean proxy) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565.inMbimComposition())) {
            PtyFace face = modem.publishPty(dir.resolve("pty"));
            String out = run(cmd(proxy, "mbimcli", "-d", face.qmiDevice().toString(), "--query-device-caps"));
            assertEquals(Profiles.EM7565.identity().imei(), field(out, "Device ID"));
            assertEquals("SWI9X50C_01.08.04.00", field(out, "Firmware info"));
            assertEquals("EM7565", field(out, "Hardware info"));
            assertEquals("embedded", field(out, "Device type"));
        }
    }

    @ParameterizedTest(name = "proxy={0}")
    @ValueSource(booleans = {false, true})
    void qmicliTalksQmiThroughMbim(boolean proxy) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565.inMbimComposition())) {
            PtyFace face = modem.publishPty(dir.resolve("pty"));
            String out = run(cmd(proxy, "qmicli", "-d", face.qmiDevice().toString(), "--device-open-mbim",
                    "--dms-get-revision"));
            assertEquals(Profiles.EM7565.identity().revision(), field(out, "Revision"));
            String ids = run(cmd(proxy, "qmicli", "-d", face.qmiDevice().toString(), "--device-open-mbim",
                    "--dms-get-ids"));
            assertEquals(Profiles.EM7565.identity().imei(), field(ids, "IMEI"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!modem.allocatedClientIds(QmiService.DMS).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20); // the proxy releases after its client left
            }
            assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS), "qmicli released its client id");
        }
    }
}
