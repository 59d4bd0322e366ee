package io.modemflash.images;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Crc32CombineTest {

    private static long crc(byte[] b, int off, int len) {
        CRC32 c = new CRC32();
        c.update(b, off, len);
        return c.getValue();
    }

    @Test
    void combiningTwoPartsGivesTheCrcOfTheWhole() {
        byte[] b = new byte[70_000];
        new Random(7).nextBytes(b);
        for (int cut : new int[] {0, 1, 3, 4, 511, 4096, 65_537, 69_999, 70_000}) {
            long whole = crc(b, 0, b.length);
            long combined = Crc32Combine.combine(crc(b, 0, cut), crc(b, cut, b.length - cut), b.length - cut);
            assertEquals(whole, combined, "cut at " + cut);
        }
    }

    @Test
    void doublingByCombineMatchesHashingTheWholeRun() {
        byte[] piece = new byte[1 << 20];
        new Random(3).nextBytes(piece);
        byte[] four = new byte[4 << 20];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(piece, 0, four, i * piece.length, piece.length);
        }
        long c = crc(piece, 0, piece.length);
        c = Crc32Combine.combine(c, c, piece.length); // 2 MiB
        c = Crc32Combine.combine(c, c, 2L * piece.length); // 4 MiB
        assertEquals(crc(four, 0, four.length), c);
    }

    @Test
    void nestedRangesGetTheSameSierraCrcAsHashingEachOnItsOwn(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        byte[] b = new byte[(3 << 20) + 1234];
        new Random(11).nextBytes(b);
        Path f = Files.write(dir.resolve("x.cwe"), b);
        List<ImageScanner.CrcRange> ranges = List.of(
                new ImageScanner.CrcRange(400, b.length), // SPKG payload
                new ImageScanner.CrcRange(0, 256), // a header's own CRC
                new ImageScanner.CrcRange(800, 800 + (2 << 20)), // MODM payload inside it
                new ImageScanner.CrcRange(400, 800), // MODM header
                new ImageScanner.CrcRange(5, 5), // empty
                new ImageScanner.CrcRange(b.length - 10, b.length + 500)); // runs past the end: what exists
        ImageScanner.Result r = ImageScanner.scan(f, ranges, false);
        for (int i = 0; i < ranges.size(); i++) {
            ImageScanner.CrcRange g = ranges.get(i);
            int from = (int) g.start();
            int to = (int) Math.min(g.end(), b.length);
            assertEquals(io.modemflash.images.cwe.SierraCrc.of(b, from, to - from), r.crcs().get(i), "range " + i);
        }
    }
}
