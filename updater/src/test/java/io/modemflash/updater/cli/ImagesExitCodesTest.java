package io.modemflash.updater.cli;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14, build item 3: exit 1 is reserved for bugs. Every exception type the images module
 * throws is either a BadPackageException (exit 5) or a programming error that input cannot
 * reach (listed below with the reason); and hostile input of every kind (the fuzz corpora,
 * mutated) only ever ends in exit codes other than 1.
 */
class ImagesExitCodesTest {
    /** "File.java: ExceptionType" of every throw site that is a bug guard, not an input check. */
    static final Map<String, String> PROGRAMMING_ERRORS = Map.ofEntries(
            Map.entry("Limits.java: IllegalArgumentException", "a caller's limits, not a package's"),
            Map.entry("CweHeader.java: IllegalArgumentException", "serialising a header the program built"),
            Map.entry("SparseWriter.java: IllegalArgumentException", "the sample writer's own input"),
            Map.entry("XzBytes.java: IllegalStateException", "the test/sample builder's own input"),
            Map.entry("ImageScanner.java: IllegalStateException", "a JDK without SHA-256"),
            Map.entry("LoaderIdentity.java: IllegalStateException", "a JDK without SHA-256/SHA-384"),
            Map.entry("SecureXml.java: IllegalStateException", "a JDK whose XML parser cannot be hardened"),
            Map.entry("ArchiveExtractor.java: IllegalStateException", "a format enum value without a reader"),
            Map.entry("FlatOp.java: IllegalStateException", "asking a raw program for sparse runs"),
            Map.entry("SparseImage.java: NoSuchElementException", "the iterator protocol (next() after the end)"),
            Map.entry("SparseImage.java: UncheckedIOException", "carries a BadPackageException out of an iterator"),
            Map.entry("BudgetChannel.java: java.nio.channels.NonWritableChannelException", "a read-only channel"),
            Map.entry("SecureXml.java: Bound", "a SAXException of its own, turned into BadPackageException"));

    private static final Pattern THROW = Pattern.compile("throw new ([A-Za-z_][A-Za-z0-9_.]*)\\(");

    @TempDir
    Path dir;

    private static Path module(String name) {
        Path here = Path.of("").toAbsolutePath();
        return (here.getFileName().toString().equals("updater") ? here.getParent() : here).resolve(name);
    }

    @Test
    void everyThrowSiteIsABadPackageOrAListedProgrammingError() throws Exception {
        Set<String> found = new LinkedHashSet<>();
        try (Stream<Path> s = Files.walk(module("images").resolve("src/main/java"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = THROW.matcher(Files.readString(f));
                while (m.find()) {
                    String type = m.group(1);
                    if (type.endsWith("BadPackageException")) {
                        continue;
                    }
                    String site = f.getFileName() + ": " + type;
                    found.add(site);
                    assertTrue(PROGRAMMING_ERRORS.containsKey(site), site + " throws something other than a "
                            + "BadPackageException: make it one (exit 5), or list it here if no input can reach it");
                }
            }
        }
        for (String listed : PROGRAMMING_ERRORS.keySet()) {
            assertTrue(found.contains(listed), "listed but no longer thrown: " + listed);
        }
        // and a bad package is exit 5 however deep a library or a stream wrapped it
        BadPackageException bad = new BadPackageException(BadPackageException.Reason.TRUNCATED, "x", "cut");
        assertEquals(ExitCode.BAD_PACKAGE, Failures.classify(bad));
        assertEquals(ExitCode.BAD_PACKAGE, Failures.classify(new java.io.UncheckedIOException(bad)));
        assertEquals(ExitCode.BAD_PACKAGE, Failures.classify(new IOException("reading the image failed", bad)));
    }

    @Test
    void hostileInputOfEveryKindNeverEndsInExit1() throws Exception {
        Path corpora = module("fuzz").resolve("src/test/resources/io/modemflash/fuzz/PackageFuzzTestInputs");
        Map<String, String> names = new LinkedHashMap<>();
        names.put("cwe", "SWI9X30C_02.38.00.00.cwe");
        names.put("sparse", "system.img");
        names.put("elf", "prog_firehose_ddr.elf");
        names.put("archive", null);
        String[] archives = {"p.zip", "p.tar", "p.tar.gz", "p.tar.xz", "p.7z"};
        Random r = new Random(14);
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        int inputs = 0;
        for (var target : names.entrySet()) {
            List<byte[]> seeds = new ArrayList<>();
            try (Stream<Path> s = Files.list(corpora.resolve(target.getKey()))) {
                for (Path f : s.sorted().toList()) {
                    seeds.add(Files.readAllBytes(f));
                }
            }
            assertFalse(seeds.isEmpty(), "no corpus for " + target.getKey());
            for (byte[] seed : seeds) {
                for (int round = 0; round < 60; round++) {
                    byte[] b = mutate(seed, r, round);
                    String name = target.getValue();
                    if (name == null) { // the archive target: the first byte picks the format
                        if (b.length == 0) {
                            continue;
                        }
                        name = archives[(b[0] & 0xff) % archives.length];
                        b = java.util.Arrays.copyOfRange(b, 1, b.length);
                    }
                    Path f = Files.write(Files.createDirectories(dir.resolve(target.getKey())).resolve(name), b);
                    inputs++;
                    try (FirmwarePackage p = FirmwarePackage.open(f, Limits.defaults())) {
                        outcomes.merge("opened", 1, Integer::sum);
                    } catch (Exception e) {
                        ExitCode code = Failures.classify(e);
                        assertNotEquals(ExitCode.INTERNAL, code, target.getKey() + " round " + round + ": " + e);
                        outcomes.merge(e.getClass().getSimpleName() + " -> " + code.code, 1, Integer::sum);
                    }
                }
            }
        }
        assertTrue(inputs > 400, "walked " + inputs + " inputs");
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.endsWith("-> 5")), outcomes.toString());
    }

    /** Round 0 is the seed; then 1-8 random byte changes, sometimes a cut. */
    private static byte[] mutate(byte[] seed, Random r, int round) {
        byte[] b = seed.clone();
        if (round == 0 || b.length == 0) {
            return b;
        }
        int flips = 1 + r.nextInt(8);
        for (int i = 0; i < flips; i++) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        if (r.nextInt(4) == 0) {
            b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
        }
        return b;
    }
}
