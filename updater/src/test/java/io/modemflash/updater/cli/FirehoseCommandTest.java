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
            // what BootSide.edlSahara() serves: HW id 0x000CE0E1_00010000 (MSM | OEM | model), PK hash of the sample OEM root
            assertEquals("0x000CE0E1", chip.get("msm_id").asText(), chip.toString());
            assertEquals("0x0001", chip.get("oem_id").asText(), chip.toString());
            assertEquals("0x0000", chip.get("model_id").asText(), chip.toString());
            assertEquals(HexFormat.of().formatHex(io.modemflash.vectors.samples.SampleLoaders.edlPkHash()),
                    chip.get("pk_hash").asText());
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

    /**
     * Partitions by name on the flashed sample (LUN 0 with a GPT, LUN 1 without): backup, erase
     * by name and whole LUNs, `download DIR` restores every LUN byte for byte; write by name lands
     * at the GPT's sectors and is proven; a file larger than its partition is refused unsent.
     */
    @Test
    void backupEraseRestoreAndPartitionsByName(@TempDir Path dir, @TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, storage)) {
            PtyFace face = modem.publishPty(dir);
            String tty = downloadTty(modem, face, 1).toString();
            var r = run("download", edl.toString(), "--tty", tty, "--no-reset");
            assertEquals(0, r.code(), r.err());
            String[] running = {"--tty", tty, "--hello-timeout", "0.5"};
            byte[] lun0 = Files.readAllBytes(storage.resolve("lun0.img"));
            byte[] lun1 = Files.readAllBytes(storage.resolve("lun1.img"));

            r = run(concat(new String[] {"firehose", "storage-info", "--json"}, running));
            assertEquals(0, r.code(), r.err());
            assertEquals(3, r.last().get("storage_info").get("num_physical").asInt(), r.last().toString());
            byte[] lun2 = Files.readAllBytes(storage.resolve("lun2.img"));

            Path backup = dir.resolve("backup");
            String prog = edl.resolve(SamplePackages.EDL_PROGRAMMER).toString();
            r = run(concat(new String[] {"firehose", "backup", backup.toString(), "--programmer", prog, "--json"},
                    running));
            assertEquals(0, r.code(), r.err());
            assertEquals(3, r.last().get("luns").asInt());
            assertEquals(lun0.length + lun1.length + lun2.length, r.last().get("bytes").asLong(), "every sector");
            assertArrayEquals(Arrays.copyOfRange(lun0, 6 * 4096, 70 * 4096), Files.readAllBytes(backup.resolve("sbl1.bin")),
                    "the GPT's sbl1: sectors 6..69");
            assertArrayEquals(lun1, Files.readAllBytes(backup.resolve("lun1.bin")), "a LUN without a GPT is saved whole");
            String raw = Files.readString(backup.resolve("rawprogram0.xml"));
            assertTrue(raw.indexOf("gpt_main0.bin") > raw.indexOf("sbl1.bin") && raw.indexOf("sbl1.bin") > raw.indexOf(
                    "\"modem.bin\""), "other partitions, then the boot chain, then the GPTs: " + raw);

            r = run(concat(new String[] {"firehose", "read", "modem", dir.resolve("modem.bin").toString(), "--json"},
                    running));
            assertEquals(0, r.code(), r.err());
            assertArrayEquals(Files.readAllBytes(backup.resolve("modem.bin")), Files.readAllBytes(dir.resolve("modem.bin")));

            r = run(concat(new String[] {"firehose", "erase", "modem", "--json"}, running));
            assertEquals(0, r.code(), r.err());
            long start = r.last().get("start_sector").asLong();
            long sectors = r.last().get("sectors").asLong();
            byte[] erased = Files.readAllBytes(storage.resolve("lun0.img"));
            assertArrayEquals(new byte[(int) sectors * 4096], Arrays.copyOfRange(erased, (int) start * 4096,
                    (int) (start + sectors) * 4096));
            assertArrayEquals(Arrays.copyOf(lun0, (int) start * 4096), Arrays.copyOf(erased, (int) start * 4096),
                    "only the partition");
            for (String lun : new String[] {"0", "1"}) {
                r = run(concat(new String[] {"firehose", "erase", "--lun", lun}, running));
                assertEquals(0, r.code(), r.err());
            }
            assertFalse(Arrays.equals(lun1, Files.readAllBytes(storage.resolve("lun1.img"))));

            r = run("download", backup.toString(), "--tty", tty, "--json");
            assertEquals(0, r.code(), r.err());
            assertArrayEquals(lun0, Files.readAllBytes(storage.resolve("lun0.img")), "LUN 0 restored byte for byte");
            assertArrayEquals(lun1, Files.readAllBytes(storage.resolve("lun1.img")), "LUN 1 restored byte for byte");
            assertTrue(r.last().get("digests").size() >= 8, r.last().toString());
            assertTrue(modem.awaitApplicationMode(Duration.ofSeconds(10)));

            // write by name: the programmer is uploaded again, the file lands at the GPT's sbl1
            tty = downloadTty(modem, face, 2).toString();
            running = new String[] {"--tty", tty, "--hello-timeout", "0.5"};
            byte[] image = new byte[2 * 4096 + 100];
            new java.util.Random(7).nextBytes(image);
            Path small = Files.write(dir.resolve("sbl1-new.mbn"), image);
            r = run("firehose", "write", "sbl1", small.toString(), "--programmer", prog, "--tty", tty, "--json");
            assertEquals(0, r.code(), r.err());
            assertEquals(6, r.last().get("start_sector").asLong());
            assertEquals(1, r.last().get("digests").size(), "proven by the programmer's SHA-256");
            byte[] now = Files.readAllBytes(storage.resolve("lun0.img"));
            assertArrayEquals(image, Arrays.copyOfRange(now, 6 * 4096, 6 * 4096 + image.length));
            assertArrayEquals(new byte[4096 - 100], Arrays.copyOfRange(now, 6 * 4096 + image.length, 9 * 4096));
            assertArrayEquals(Arrays.copyOfRange(lun0, 9 * 4096, lun0.length), Arrays.copyOfRange(now, 9 * 4096,
                    lun0.length), "the rest of the LUN untouched");

            Path big = Files.write(dir.resolve("too-big.mbn"), new byte[64 * 4096 + 1]);
            r = run(concat(new String[] {"firehose", "write", "sbl1", big.toString(), "--json"}, running));
            assertEquals(ExitCode.WRONG_DEVICE.code, r.code(), r.err());
            assertTrue(r.last().get("message").asText().contains("more than sbl1 (LUN 0, 64 sectors at 6) holds"),
                    r.last().toString());
            assertArrayEquals(now, Files.readAllBytes(storage.resolve("lun0.img")), "nothing written");

            r = run(concat(new String[] {"firehose", "erase", "nosuch"}, running));
            assertEquals(ExitCode.USAGE.code, r.code(), r.err());
            assertTrue(r.err().contains("no partition named 'nosuch'") && r.err().contains("modem (LUN 0)"), r.err());

            r = run(concat(new String[] {"firehose", "peek", "0x14680000", "16"}, running));
            assertEquals(ExitCode.PROTOCOL.code, r.code(), r.err());
            // the emulated programmer does not offer peek, as secure ones do not
            assertTrue(r.err().contains("programmer refused <peek>: Unrecognized XML command"), r.err());
        }
    }

    /**
     * Loader lookup: among a directory of loaders (another MSM, another OEM's root, one without a
     * certificate chain, a text file) `sahara info` names the one whose HW id and root fit the chip,
     * and firehose commands upload it without --programmer; a directory without one that fits, or
     * a --programmer signed for another chip, is exit 9 before anything is uploaded.
     */
    @Test
    void theLoaderThatFitsTheChipIsFoundAndOthersAreRefusedBeforeUpload(@TempDir Path dir, @TempDir Path storage,
                                                                        @TempDir Path loaders) throws Exception {
        io.modemflash.vectors.samples.SampleLoaders.write(loaders);
        Path wrong = Files.createDirectories(dir.resolve("wrong"));
        for (String n : new String[] {io.modemflash.vectors.samples.SampleLoaders.OTHER_CHIP,
                io.modemflash.vectors.samples.SampleLoaders.OTHER_OEM, io.modemflash.vectors.samples.SampleLoaders.UNSIGNED}) {
            Files.copy(loaders.resolve(n), wrong.resolve(n));
        }
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, storage)) {
            PtyFace face = modem.publishPty(dir);
            String tty = downloadTty(modem, face, 1).toString();

            var info = run("sahara", "info", "--tty", tty, "--loaders", loaders.toString(), "--json");
            assertEquals(0, info.code(), info.err());
            assertEquals(loaders.resolve(io.modemflash.vectors.samples.SampleLoaders.FITS).toString(),
                    info.events().get(0).get("loader").asText(), info.events().get(0).toString());
            assertEquals(3, info.events().get(0).get("loaders_checked").asInt(), "three carry a certificate chain");

            var r = run("firehose", "storage-info", "--tty", tty, "--loaders", wrong.toString(), "--json");
            assertEquals(ExitCode.WRONG_DEVICE.code, r.code(), r.err());
            assertTrue(r.last().get("message").asText().startsWith("no Firehose loader fits"), r.last().toString());
            assertTrue(r.last().get("message").asText().contains("MSM 0x000CE0E1"), r.last().toString());

            r = run("firehose", "storage-info", "--tty", tty, "--programmer",
                    loaders.resolve(io.modemflash.vectors.samples.SampleLoaders.OTHER_OEM).toString(), "--json");
            assertEquals(ExitCode.WRONG_DEVICE.code, r.code(), r.err());
            assertTrue(r.last().get("message").asText().contains("signed with root key hash"), r.last().toString());
            assertTrue(r.last().get("message").asText().endsWith("nothing uploaded"), r.last().toString());

            // nothing was uploaded: the PBL still waits, and the loader that fits is found and runs
            r = run("firehose", "storage-info", "--tty", tty, "--loaders", loaders.toString(), "--json");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("loader: " + loaders.resolve(io.modemflash.vectors.samples.SampleLoaders.FITS)),
                    r.err());
            assertEquals(3, r.last().get("storage_info").get("num_physical").asInt());
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
