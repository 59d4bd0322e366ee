package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Output;
import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.images.cwe.CweBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class InspectCommandTest {
    @TempDir
    Path dir;

    record Run(int code, List<JsonNode> events, String err) {
    }

    private static Run run(String... args) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : o.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                events.add(Output.mapper().readTree(line));
            }
        }
        return new Run(code, events, e.toString(StandardCharsets.UTF_8));
    }

    private Path spk() throws Exception {
        byte[] data = new byte[5000];
        new Random(3).nextBytes(data);
        String fw = "SWI9X30C_02.38.00.00";
        return Files.write(dir.resolve("SWI9X30C_02.38.00.00_GENERIC_002.079_000.spk"), CweBuilder.build(
                CweBuilder.parent("SPKG", "9X30", fw, CweBuilder.leaf("BOOT", "9X30", fw, data),
                        CweBuilder.leaf("MODM", "9X30", fw, data))));
    }

    @Test
    void jsonDescribesTheTreeAndVersions() throws Exception {
        Run r = run("inspect", spk().toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode pkg = r.events().get(0);
        assertEquals("package", pkg.get("event").asText());
        assertEquals("sierra-qdl", pkg.get("protocol").asText());
        assertEquals("9X30", pkg.get("product").asText());
        assertEquals("02.38.00.00", pkg.get("firmware_version").asText());
        assertEquals("002.079_000", pkg.get("config_version").asText());
        assertEquals("GENERIC", pkg.get("carrier").asText());
        JsonNode img = pkg.get("images").get(0);
        assertEquals("cwe", img.get("type").asText());
        assertEquals(64, img.get("sha256").asText().length());
        assertEquals("MODM", img.get("cwe").get("children").get(1).get("type").asText());
        JsonNode result = r.events().get(r.events().size() - 1);
        assertEquals("result", result.get("event").asText());
        assertTrue(result.get("ok").asBoolean());
    }

    @Test
    void aCorruptPackageExitsWithTheBadPackageCodeAndOneLine() throws Exception {
        Path p = spk();
        byte[] b = Files.readAllBytes(p);
        b[b.length - 10] ^= 1;
        Files.write(p, b);
        Run r = run("inspect", p.toString());
        assertEquals(ExitCode.BAD_PACKAGE.code, r.code());
        String last = r.err().strip().lines().reduce((a, c) -> c).orElseThrow();
        assertTrue(last.startsWith("modemflash: " + p.getFileName() + ": SPKG/MODM image"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());

        Run j = run("inspect", p.toString(), "--json");
        JsonNode result = j.events().get(j.events().size() - 1);
        assertFalse(result.get("ok").asBoolean());
        assertEquals(5, result.get("exit_code").asInt());
        assertTrue(j.events().stream().anyMatch(e -> e.get("event").asText().equals("problem")
                && e.get("reason").asText().equals("crc-mismatch")));
    }

    @Test
    void aRawprogramXmlAloneIsInspectedWithTheFilesBesideIt() throws Exception {
        Path pkg = io.modemflash.vectors.samples.SamplePackages.edl(dir);
        Run r = run("inspect", pkg.resolve("rawprogram0.xml").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode n = r.events().get(0);
        assertEquals("qualcomm-edl", n.get("protocol").asText());
        assertEquals(io.modemflash.vectors.samples.SamplePackages.EDL_FIRMWARE, n.get("firmware_version").asText());
    }

    @Test
    void severalCweFilesAreOnePackageInTheOrderGiven() throws Exception {
        Path d = io.modemflash.vectors.samples.SamplePackages.em7565(dir);
        Path cwe = d.resolve(io.modemflash.vectors.samples.SamplePackages.EM7565_CWE);
        Path nvu = d.resolve(io.modemflash.vectors.samples.SamplePackages.EM7565_NVU);
        for (List<Path> order : List.of(List.of(cwe, nvu), List.of(nvu, cwe))) {
            try (var p = io.modemflash.images.FirmwarePackage.openFiles(order, List.of(),
                    io.modemflash.images.Limits.defaults(), true)) {
                assertEquals(order.stream().map(f -> f.getFileName().toString()).toList(),
                        p.images().stream().map(io.modemflash.images.PackageImage::name).toList());
            }
        }
    }

    @Test
    void jsonOfAFlatBuildNamesEachImageItsSizeHashAndPartitionsAndTheProblems() throws Exception {
        Path pkg = io.modemflash.vectors.samples.SamplePackages.edl(dir);
        Files.createSymbolicLink(pkg.resolve("stray-link"), pkg.resolve("modem.img")); // worth a warning, not a refusal
        Run r = run("inspect", pkg.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode n = r.events().get(0);
        assertEquals("qualcomm-edl", n.get("protocol").asText());
        assertEquals(io.modemflash.vectors.samples.SamplePackages.EDL_FIRMWARE, n.get("firmware_version").asText());
        JsonNode modem = null;
        for (JsonNode img : n.get("images")) {
            if (img.get("name").asText().equals("modem.img")) {
                modem = img;
            }
        }
        assertNotNull(modem, n.toString());
        byte[] bytes = Files.readAllBytes(pkg.resolve("modem.img"));
        assertEquals(bytes.length, modem.get("size").asLong());
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)),
                modem.get("sha256").asText());
        JsonNode part = modem.get("partitions").get(0);
        assertEquals("modem", part.get("label").asText());
        assertEquals(0, part.get("lun").asInt());
        assertEquals("70", part.get("start_sector").asText());
        assertEquals(4096, part.get("sector_size").asInt());
        JsonNode backup = null;
        for (JsonNode img : n.get("images")) {
            if (img.get("name").asText().equals("gpt_backup0.bin")) {
                backup = img.get("partitions").get(0);
            }
        }
        assertEquals("NUM_DISK_SECTORS-5.", backup.get("start_sector").asText(), "expressions are kept verbatim");
        JsonNode problems = n.get("problems");
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("link-outside", problems.get(0).get("reason").asText());
        assertTrue(problems.get(0).toString().contains("stray-link"), problems.toString());
    }

    /** Hostile archives reach the technician as exit 5 and one line, never a stack trace. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"../escape.cwe", "/etc/escape.cwe", "link"})
    void hostileArchivesExitWithTheBadPackageCode(String entry) throws Exception {
        Path tar = dir.resolve("hostile.tar");
        try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(Files.newOutputStream(tar))) {
            if (entry.equals("link")) {
                var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("link",
                        org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
                e.setLinkName("/etc/passwd");
                out.putArchiveEntry(e);
            } else {
                byte[] body = Files.readAllBytes(spk());
                var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(entry, true);
                e.setSize(body.length);
                out.putArchiveEntry(e);
                out.write(body);
            }
            out.closeArchiveEntry();
        }
        Run r = run("inspect", tar.toString());
        assertEquals(ExitCode.BAD_PACKAGE.code, r.code(), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("modemflash: ")).count(), r.err());
        assertFalse(Files.exists(dir.getParent().resolve("escape.cwe")));
    }
}
