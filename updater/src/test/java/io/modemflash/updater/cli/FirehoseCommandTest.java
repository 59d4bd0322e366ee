package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

import static io.modemflash.updater.cli.DownloadCommandTest.downloadTty;
import static io.modemflash.updater.cli.DownloadCommandTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** `sahara info` and the `firehose` technician commands on the emulated EDL device's tty. */
class FirehoseCommandTest {
    @TempDir
    static Path samples;
    static Path edl;

    @BeforeAll
    static void writeSamples() throws Exception {
        edl = SamplePackages.edl(samples);
    }

    @Test
    void saharaInfoThenProgramReadSha256GptEraseAndReset(@TempDir Path dir, @TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, storage)) {
            PtyFace face = modem.publishPty(dir);
            String tty = downloadTty(modem, face, 1).toString();

            var info = run("sahara", "info", "--tty", tty, "--json");
            assertEquals(0, info.code(), info.err());
            var chip = info.events().get(0);
            assertEquals("chip", chip.get("event").asText());
            assertEquals("0x5A1EE025", chip.get("serial").asText());
            // what BootSide.edlSahara() serves: HW id 0x000CE0E1_00010000 (MSM | OEM | model), PK hash A0..BF
            assertEquals("0x000CE0E1", chip.get("msm_id").asText(), chip.toString());
            assertEquals("0x0001", chip.get("oem_id").asText(), chip.toString());
            assertEquals("0x0000", chip.get("model_id").asText(), chip.toString());
            assertEquals("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf", chip.get("pk_hash").asText());
            assertEquals("0x00000005", chip.get("sbl_version").asText(), chip.toString());
            assertEquals(2, chip.get("protocol_version").asInt());

            // first call uploads the programmer; it leaves Sahara waiting in command mode no more
            Path gpt = edl.resolve("gpt_main0.bin");
            String prog = edl.resolve(SamplePackages.EDL_PROGRAMMER).toString();
            var r = run("firehose", "program", gpt.toString(), "--start", "0", "--lun", "0", "--programmer", prog,
                    "--tty", tty);
            assertEquals(0, r.code(), r.err());

            // later calls find the programmer running
            String[] running = {"--tty", tty, "--hello-timeout", "0.5"};
            r = run(concat(new String[] {"firehose", "sha256", "--start", "0", "--sectors", "6"}, running));
            assertEquals(0, r.code(), r.err());
            String want = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(gpt)));
            assertEquals(want, r.out().strip());

            Path back = dir.resolve("back.bin");
            r = run(concat(new String[] {"firehose", "read", back.toString(), "--start", "0", "--sectors", "6"}, running));
            assertEquals(0, r.code(), r.err());
            assertArrayEquals(Files.readAllBytes(gpt), Files.readAllBytes(back));

            r = run(concat(new String[] {"firehose", "gpt", "--json"}, running));
            assertEquals(0, r.code(), r.err());
            var parts = r.last().get("partitions");
            assertTrue(parts.size() >= 4, r.last().toString());
            assertEquals("sbl1", parts.get(0).get("name").asText());
            assertEquals(6, parts.get(0).get("first_lba").asLong());

            // the programmer evaluates the value: 2048 sectors - 1, little-endian, at byte 16 of sector 3
            r = run(concat(new String[] {"firehose", "patch", "--start", "3", "--byte-offset", "16", "--size", "8",
                    "--value", "NUM_DISK_SECTORS-1."}, running));
            assertEquals(0, r.code(), r.err());
            byte[] lun0 = Files.readAllBytes(storage.resolve("lun0.img"));
            assertEquals(2047L, java.nio.ByteBuffer.wrap(lun0, 3 * 4096 + 16, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .getLong());

            r = run(concat(new String[] {"firehose", "erase", "--start", "0", "--sectors", "6"}, running));
            assertEquals(0, r.code(), r.err());
            assertArrayEquals(new byte[6 * 4096], Arrays.copyOf(Files.readAllBytes(storage.resolve("lun0.img")), 6 * 4096));

            r = run(concat(new String[] {"firehose", "gpt"}, running));
            assertEquals(ExitCode.PROTOCOL.code, r.code(), "an erased disk has no GPT");
            assertTrue(r.err().contains("no GPT header"), r.err());

            r = run(concat(new String[] {"firehose", "reset"}, running));
            assertEquals(0, r.code(), r.err());
            assertTrue(modem.awaitApplicationMode(Duration.ofSeconds(10)));
        }
    }

    @Test
    void aDeviceInSaharaNeedsAProgrammer(@TempDir Path dir, @TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, storage)) {
            PtyFace face = modem.publishPty(dir);
            String tty = downloadTty(modem, face, 1).toString();
            var r = run("firehose", "gpt", "--tty", tty);
            assertEquals(ExitCode.USAGE.code, r.code(), r.err());
            assertTrue(r.err().contains("--programmer FILE"), r.err());
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
