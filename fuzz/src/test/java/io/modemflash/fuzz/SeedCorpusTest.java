package io.modemflash.fuzz;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The committed seed inputs are the ones SeedCorpus makes from test-vectors (so the fuzzers start from them). */
class SeedCorpusTest {
    @Test
    void committedSeedsMatchTheVectors() throws Exception {
        Path module = Path.of("").toAbsolutePath();
        for (var t : SeedCorpus.seeds().entrySet()) {
            Path dir = SeedCorpus.inputs(module, t.getKey());
            for (var s : t.getValue().entrySet()) {
                Path f = dir.resolve(s.getKey());
                assertTrue(Files.isRegularFile(f), f + " is missing: run SeedCorpus.main");
                assertArrayEquals(s.getValue(), Files.readAllBytes(f), f + " differs from its vector");
            }
        }
    }
}
