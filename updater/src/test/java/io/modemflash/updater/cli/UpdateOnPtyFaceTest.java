package io.modemflash.updater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.updater.pipeline.Samples;
import io.modemflash.updater.pipeline.Stage;
import io.modemflash.vectors.samples.ExpectedStorage;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * `modemflash update` end to end against the emulator's pty face (what `emulate --pty DIR`
 * publishes): discovery in DIR/sys, QMI on DIR/dev/cdc-wdm0, the re-enumerated download
 * personality's DIR/dev/ttyUSB0 as a TtyLink, the modem back with the new firmware.
 */
class UpdateOnPtyFaceTest {
    @TempDir
    static Path sampleDir;
    static Samples samples;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeSamples() throws Exception {
        samples = Samples.write(sampleDir);
    }

    private UpdateCommandTest.Run update(Profile profile, Path pkg, Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(profile, FaultPlan.NONE, storage)) {
            PtyFace face = modem.publishPty(dir.resolve("pty"));
            UpdateCommandTest.Run r = UpdateCommandTest.run("update", pkg.toString(), "-d", face.qmiDevice().toString(),
                    "--json", "--sysfs-root", face.dir().toString(), "--dev-root", face.dir().toString(),
                    "--state-dir", dir.resolve("state").toString(), "--poll-ms", "20", "--modem-retry-ms", "100");
            assertEquals(0, r.code(), r.err() + r.events());
            List<String> stages = new ArrayList<>();
            for (JsonNode e : r.events()) {
                String name = e.path("event").asText();
                if (name.startsWith("stage-")) {
                    assertTrue(e.path("ok").asBoolean(true), e.toString());
                    assertFalse(e.has("skipped"), e.toString());
                    stages.add(name.substring(6) + " " + e.path("stage").asText());
                }
            }
            List<String> expected = new ArrayList<>();
            for (Stage s : Stage.values()) {
                expected.add("start " + s.label());
                expected.add("end " + s.label());
            }
            assertEquals(expected, stages);
            assertTrue(r.named("progress").size() > 0, "progress events");
            JsonNode result = r.named("result").get(0);
            assertTrue(result.path("ok").asBoolean(), result.toString());
            assertEquals(face.usbPort(), result.path("device").asText());
            return r;
        }
    }

    private static JsonNode verifyEnd(UpdateCommandTest.Run r) {
        return r.events().stream().filter(e -> e.path("event").asText().equals("stage-end")
                && e.path("stage").asText().equals("verify")).findFirst().orElseThrow();
    }

    @Test
    void mc7455() throws Exception {
        Path storage = dir.resolve("storage");
        UpdateCommandTest.Run r = update(Profiles.MC7455, samples.mc7455(), storage);
        assertEquals(SamplePackages.MC7455_FIRMWARE, verifyEnd(r).path("firmware").asText());
        assertArrayEquals(Files.readAllBytes(samples.mc7455()), Files.readAllBytes(storage.resolve("cwe/001-SPKG.cwe")));
    }

    @Test
    void em7565() throws Exception {
        Path storage = dir.resolve("storage");
        UpdateCommandTest.Run r = update(Profiles.EM7565, samples.em7565(), storage);
        assertEquals(SamplePackages.EM7565_FIRMWARE, verifyEnd(r).path("firmware").asText());
        assertArrayEquals(Files.readAllBytes(samples.em7565().resolve(SamplePackages.EM7565_CWE)),
                Files.readAllBytes(storage.resolve("cwe/001-SPKG.cwe")));
        assertArrayEquals(Files.readAllBytes(samples.em7565().resolve(SamplePackages.EM7565_NVU)),
                Files.readAllBytes(storage.resolve("cwe/002-NVUP.cwe")));
    }

    /** The EM7565 in its MBIM composition: QMI inside MBIM on a cdc_mbim port, the rest as usual. */
    @Test
    void em7565InMbimComposition() throws Exception {
        Path storage = dir.resolve("storage");
        UpdateCommandTest.Run r = update(Profiles.EM7565.inMbimComposition(), samples.em7565(), storage);
        assertEquals(SamplePackages.EM7565_FIRMWARE, verifyEnd(r).path("firmware").asText());
        assertArrayEquals(Files.readAllBytes(samples.em7565().resolve(SamplePackages.EM7565_CWE)),
                Files.readAllBytes(storage.resolve("cwe/001-SPKG.cwe")));
    }

    @Test
    void edl() throws Exception {
        Path storage = dir.resolve("storage");
        UpdateCommandTest.Run r = update(Profiles.EDL, samples.edl(), storage);
        assertTrue(verifyEnd(r).path("revision").asText().contains("MPSS.AT.4.0-00042-SDX_GEN_PACK-1"));
        for (Map.Entry<Integer, byte[]> e : ExpectedStorage.forSample(samples.edl()).entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(storage.resolve("lun" + e.getKey() + ".img")),
                    "LUN " + e.getKey());
        }
    }
}
