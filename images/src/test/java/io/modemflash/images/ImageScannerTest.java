package io.modemflash.images;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ImageScannerTest {
    @TempDir
    Path dir;

    @Test
    void markerAcrossABufferBoundaryAndSha256() throws Exception {
        byte[] b = TestPackages.bytes(5, (1 << 20) + 5000);
        // no stray 'Q' followed by the marker: put the marker across the 1 MiB boundary
        byte[] m = "QQC_IMAGE_VERSION_STRING=MPSS.AT.4.0-00042-SDX_GEN_PACK-1\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(m, 0, b, (1 << 20) - 10, m.length);
        Path p = Files.write(dir.resolve("modem.img"), b);
        ImageScanner.Result r = ImageScanner.scan(p, List.of(new ImageScanner.CrcRange(0, 9)));
        assertEquals("MPSS.AT.4.0-00042-SDX_GEN_PACK-1", r.qcVersion());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)), ImageScanner.sha256(p));
        assertEquals(b.length, r.size());
        assertEquals(io.modemflash.images.cwe.SierraCrc.of(b, 0, 9), r.crcs().get(0));
    }

    @Test
    void wordAtATimeSearchFindsEveryQ() {
        byte[] b = TestPackages.bytes(9, 4096);
        for (int from = 0; from < 200; from++) {
            int naive = from;
            while (naive < b.length && b[naive] != 'Q') {
                naive++;
            }
            assertEquals(naive, ImageScanner.MarkerFinder.skipToQ(b, from, b.length), "from " + from);
        }
        byte[] z = new byte[77];
        assertEquals(77, ImageScanner.MarkerFinder.skipToQ(z, 0, 77));
        for (int at = 0; at < 77; at++) {
            byte[] q = new byte[77];
            q[at] = 'Q';
            assertEquals(at, ImageScanner.MarkerFinder.skipToQ(q, 0, 77));
            assertEquals(77, ImageScanner.MarkerFinder.skipToQ(q, at + 1, 77));
        }
    }

    @Test
    void noMarkerGivesNull() throws Exception {
        Path p = Files.write(dir.resolve("x.img"), "QC_IMAGE_VERSION_STRIN QC_IMAGE_VERSION_STRING=\0".getBytes());
        assertNull(ImageScanner.scan(p, List.of()).qcVersion());
    }

    /** A 64 MiB image is streamed: the scan allocates a small, size-independent amount. */
    @Test
    void largeImagesAreStreamedNotBuffered() throws Exception {
        Path p = dir.resolve("big.img");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}), (64L << 20) - 1); // a hole: no disk space
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        ImageScanner.scan(p, List.of()); // warm up (class loading)
        long before = threads.getThreadAllocatedBytes(tid);
        ImageScanner.Result r = ImageScanner.scan(p, List.of());
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertEquals(64L << 20, r.size());
        assertTrue(allocated < 8L << 20, "allocated " + allocated + " bytes to scan 64 MiB");
    }
}
