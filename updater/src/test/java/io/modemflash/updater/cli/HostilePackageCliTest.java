package io.modemflash.updater.cli;

import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.images.archive.TarBytes;
import io.modemflash.images.archive.XzBytes;
import io.modemflash.updater.pipeline.EmulatedBench;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14's "must show" through the CLI: the corrupted zip refused by inspect (exit 5 naming the
 * member and the CRC) and an update of it sending nothing; hostile packages ending in exit 5 with
 * bounded memory in a child JVM with the default heap; and no package directory left behind by
 * any error path of inspect, update or download. java.io.tmpdir points at a private directory
 * for the tests, so other processes' packages never count.
 */
class HostilePackageCliTest {
    @TempDir
    static Path samples;
    static Path corruptZip;

    @TempDir
    Path dir;
    private Path tmp;
    private String savedTmp;

    @BeforeAll
    static void writeSamples() throws Exception {
        SamplePackages.writeAll(samples);
        byte[] zip = Files.readAllBytes(samples.resolve(SamplePackages.EDL_ZIP));
        byte[] modem = Files.readAllBytes(samples.resolve(SamplePackages.EDL_DIR).resolve("modem.img"));
        // random data: deflate stores it verbatim, so only the CRC can tell that a byte changed
        int at = indexOf(zip, Arrays.copyOfRange(modem, 20_000, 20_032));
        assertTrue(at > 0, "modem.img is stored verbatim in edl.zip");
        zip[at + 7] ^= 0x01;
        corruptZip = Files.write(samples.resolve("corrupt-edl.zip"), zip);
    }

    @BeforeEach
    void privateTmp() throws Exception {
        tmp = Files.createDirectories(dir.resolve("tmp"));
        savedTmp = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", tmp.toString());
    }

    @AfterEach
    void restoreTmp() {
        System.setProperty("java.io.tmpdir", savedTmp);
    }

    private void assertNoPackageDirectoryLeft() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith("modemflash-pkg-")).toList());
        }
    }

    @Test
    void inspectRefusesTheCorruptedZipNamingTheMemberAndTheCrc() throws Exception {
        CliRun r = CliRun.of("inspect", corruptZip.toString(), "--json");
        assertEquals(ExitCode.BAD_PACKAGE.code, r.code(), r.err());
        assertTrue(r.err().matches("(?s)modemflash: corrupt-edl\\.zip!edl/modem\\.img: CRC-32 of the extracted bytes is "
                + "[0-9A-F]{8}, the zip says [0-9A-F]{8}: the member is corrupt\\R.*"), r.err());
        assertEquals(ExitCode.BAD_PACKAGE.code, r.last().path("exit_code").asInt());
        assertTrue(r.last().path("message").asText().contains("edl/modem.img: CRC-32 of the extracted bytes is"),
                r.last().toString());
        assertNoPackageDirectoryLeft();
    }

    @Test
    void anUpdateOfTheCorruptedZipSendsNothing() throws Exception {
        try (EmulatedBench bench = new EmulatedBench(Profiles.EDL, FaultPlan.NONE, dir.resolve("bench"))) {
            Path root = dir.resolve("bench").resolve("bench");
            UpdateCommandTest.Run r = UpdateCommandTest.run("update", corruptZip.toString(), "-d", EmulatedBench.PORT,
                    "--json", "--state-dir", dir.resolve("state").toString(), "--sysfs-root", root.toString(),
                    "--dev-root", root.toString());
            assertEquals(ExitCode.BAD_PACKAGE.code, r.code(), r.err());
            assertEquals("inspect", r.named("result").get(0).path("stage").asText());
            assertEquals(List.of(), bench.modem.qmi().history(), "nothing was sent to the modem");
            assertEquals(0, bench.modem.boot().sessions(), "no download mode");
            assertEquals(QmiEngine.Phase.APPLICATION, bench.modem.phase());
        }
        assertNoPackageDirectoryLeft();
    }

    /** Issue 14 item 5: what the download would refuse, a dry run refuses at inspect, before anything is sent. */
    @Test
    void aDryRunRefusesWhatTheDownloadWouldRefuse() throws Exception {
        Path pkg = dir.resolve("lun-minus-one");
        Files.createDirectories(pkg);
        try (Stream<Path> s = Files.list(samples.resolve(SamplePackages.EDL_DIR))) {
            for (Path f : s.toList()) {
                Files.copy(f, pkg.resolve(f.getFileName()));
            }
        }
        Path raw = pkg.resolve("rawprogram0.xml");
        String xml = Files.readString(raw);
        Files.writeString(raw, xml.replaceFirst("physical_partition_number=\"0\"", "physical_partition_number=\"-1\""));
        try (EmulatedBench bench = new EmulatedBench(Profiles.EDL, FaultPlan.NONE, dir.resolve("bench"))) {
            Path root = dir.resolve("bench").resolve("bench");
            UpdateCommandTest.Run r = UpdateCommandTest.run("update", pkg.toString(), "-d", EmulatedBench.PORT, "--dry-run",
                    "--json", "--sysfs-root", root.toString(), "--dev-root", root.toString());
            assertEquals(ExitCode.BAD_PACKAGE.code, r.code(), r.err());
            assertEquals("inspect", r.named("result").get(0).path("stage").asText());
            assertTrue(r.err().contains("physical_partition_number -1 is not a LUN (0-7)"), r.err());
            assertEquals(List.of(), bench.modem.qmi().history(), "nothing was sent to the modem");
        }
    }

    @Test
    void everyErrorPathOfUpdateAndDownloadRemovesThePackageDirectory() throws Exception {
        String edl = samples.resolve(SamplePackages.EDL_ZIP).toString();
        // update: fails at probe, in the download, and a dry run that succeeds
        for (String fault : List.of("qmi-error:dms-get-revision:Internal", "disconnect:download:100000", "")) {
            Path d = Files.createDirectories(dir.resolve("u" + Math.abs(fault.hashCode())));
            try (EmulatedBench bench = new EmulatedBench(Profiles.EDL, fault.isEmpty() ? FaultPlan.NONE
                    : FaultPlan.parse(List.of(fault)), d)) {
                Path root = d.resolve("bench");
                List<String> args = new ArrayList<>(List.of("update", edl, "-d", EmulatedBench.PORT, "--json",
                        "--state-dir", d.resolve("state").toString(), "--sysfs-root", root.toString(), "--dev-root",
                        root.toString()));
                if (fault.isEmpty()) {
                    args.add("--dry-run");
                }
                UpdateCommandTest.Run r = UpdateCommandTest.run(args.toArray(String[]::new));
                if (fault.isEmpty()) {
                    assertEquals(0, r.code(), r.err());
                } else {
                    assertNotEquals(0, r.code(), r.err());
                    assertNotEquals(ExitCode.INTERNAL.code, r.code(), r.err());
                    // the package was open: the failure came after inspect
                    assertNotEquals("inspect", r.named("result").get(0).path("stage").asText(), r.err());
                }
            }
            assertNoPackageDirectoryLeft();
        }
        // download: no such tty, and a device that refuses
        CliRun none = CliRun.of("download", edl, "--tty", dir.resolve("no-such-tty").toString());
        assertNotEquals(0, none.code());
        assertNotEquals(ExitCode.INTERNAL.code, none.code(), none.err());
        assertNoPackageDirectoryLeft();
        try (var modem = DownloadCommandTest.start(Profiles.EDL, dir.resolve("storage"), "nak:program")) {
            var face = modem.publishPty(dir.resolve("pty"));
            Path tty = DownloadCommandTest.downloadTty(modem, face, 1);
            CliRun nak = CliRun.of("download", edl, "--tty", tty.toString());
            assertEquals(ExitCode.PROTOCOL.code, nak.code(), nak.err());
        }
        assertNoPackageDirectoryLeft();
        // inspect: a good package, and the corrupted one (above) 
        assertEquals(0, CliRun.of("inspect", edl).code());
        assertNoPackageDirectoryLeft();
    }

    /**
     * Issue 14 items 1 and 4: a GNU long name or PAX record of 300 MiB (peaks of 1.2-3.4 GB before,
     * 4.3 GB and exit 1 for 3 GiB) and a tar.xz whose dictionary claims 1.5 GiB (1.67 GB, exit 0
     * before) end in exit 5 in a child JVM with the default heap, under 256 MiB peak RSS, and
     * leave no package directory.
     */
    @Test
    void hostilePackagesEndInExit5WithBoundedMemory() throws Exception {
        byte[] cwe = Files.readAllBytes(samples.resolve(SamplePackages.MC7455_DIR).resolve(SamplePackages.MC7455_FILE));
        Path longName = dir.resolve("longname.tar.gz");
        Path pax = dir.resolve("pax.tar.gz");
        for (Path p : List.of(longName, pax)) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p), 1 << 16)) {
                if (p == longName) {
                    TarBytes.entry(out, "././@LongLink", 'L', 300L << 20, (byte) 'a');
                } else {
                    TarBytes.entry(out, "PaxHeaders/x", 'x', 300L << 20, (byte) '9');
                }
                TarBytes.entry(out, SamplePackages.MC7455_FILE, '0', cwe);
                TarBytes.end(out);
            }
        }
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        TarBytes.entry(tar, SamplePackages.MC7455_FILE, '0', cwe);
        TarBytes.end(tar);
        Path dict = Files.write(dir.resolve("dict.tar.xz"), XzBytes.withDictionaryCode(XzBytes.xz(tar.toByteArray()), 37));

        for (Path p : List.of(longName, pax, dict)) {
            Path childTmp = Files.createDirectories(dir.resolve("child-tmp-" + p.getFileName()));
            Path err = dir.resolve(p.getFileName() + ".err");
            Process proc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.io.tmpdir=" + childTmp, "-cp", System.getProperty("java.class.path"),
                    PeakRss.class.getName(), "inspect", p.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            assertTrue(proc.waitFor(5, TimeUnit.MINUTES), p + ": inspect did not finish");
            String stderr = Files.readString(err);
            assertEquals(ExitCode.BAD_PACKAGE.code, proc.exitValue(), p + ": " + stderr);
            assertFalse(stderr.contains("\tat "), "no stack trace: " + stderr);
            long peak = Long.parseLong(stderr.replaceAll("(?s).*peak_rss_kib=(\\d+).*", "$1"));
            assertTrue(peak < 256 * 1024, p.getFileName() + " peaked at " + peak + " KiB: " + stderr);
            System.out.println("inspect " + p.getFileName() + ": exit 5, peak RSS " + peak / 1024 + " MiB");
            try (Stream<Path> s = Files.list(childTmp)) {
                assertEquals(List.of(), s.filter(f -> f.getFileName().toString().startsWith("modemflash-pkg-")).toList(),
                        p + " left its package directory");
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
