package io.modemflash.qdl.link;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class InMemoryLinkTest {

    @Test
    void usbModelReturnsOneTransferPerRead() throws IOException {
        var p = InMemoryLink.pair();
        p.host().write(new byte[] {1, 2, 3});
        p.host().write(new byte[] {4, 5});
        byte[] buf = new byte[64];
        assertEquals(3, p.device().read(buf, 0, 64, 100));
        assertEquals(2, p.device().read(buf, 0, 64, 100));
        assertEquals(2, p.device().transfersReceived());
    }

    @Test
    void usbModelSplitsATransferLargerThanTheReadBuffer() throws IOException {
        var p = InMemoryLink.pair();
        p.host().write(new byte[] {1, 2, 3, 4, 5});
        p.host().write(new byte[] {6});
        byte[] buf = new byte[3];
        assertEquals(3, p.device().read(buf, 0, 3, 100));
        assertEquals(2, p.device().read(buf, 0, 3, 100));
        assertArrayEquals(new byte[] {4, 5}, Arrays.copyOf(buf, 2));
        assertEquals(1, p.device().read(buf, 0, 3, 100));
        assertEquals(6, buf[0]);
    }

    @Test
    void ttyModelMergesWrites() throws IOException {
        var p = InMemoryLink.pair(InMemoryLink.Options.TTY);
        p.host().write(new byte[] {1, 2, 3});
        p.host().write(new byte[] {4, 5});
        byte[] buf = new byte[64];
        assertEquals(5, p.device().read(buf, 0, 64, 100));
    }

    @Test
    void zlpOnlyAfterFullPacketWritesWhenEnabledAndIsSwallowed() throws IOException {
        var p = InMemoryLink.pair();
        byte[] buf = new byte[2048];
        p.host().write(new byte[1024]);
        assertEquals(1024, p.device().read(buf, 0, buf.length, 100));
        assertEquals(0, p.device().zeroLengthPacketsReceived());

        p.host().setZeroLengthPackets(true);
        p.host().write(new byte[1024]);
        p.host().write(new byte[1000]);
        p.host().write(new byte[] {9});
        assertEquals(1024, p.device().read(buf, 0, buf.length, 100));
        assertEquals(1000, p.device().read(buf, 0, buf.length, 100));
        assertEquals(1, p.device().read(buf, 0, buf.length, 100), "the ZLP never reaches the reader as data");
        assertEquals(9, buf[0]);
        assertEquals(1, p.device().zeroLengthPacketsReceived());
    }

    @Test
    void largeTransfersKeepTheirBytesWhenBuffersAreReused() throws IOException {
        // sizes around the pooled buffers' 64 KiB rounding; the second is queued while the first is half read
        for (var options : java.util.List.of(InMemoryLink.Options.USB, InMemoryLink.Options.TTY)) {
            var p = InMemoryLink.pair(options);
            Random r = new Random(7);
            byte[] buf = new byte[(1 << 20) + 64];
            for (int size : new int[] {(1 << 20) + 13, 1 << 20, 70_000, 65_536, (1 << 20) + 13}) {
                byte[] a = new byte[size];
                byte[] b = new byte[size];
                r.nextBytes(a);
                r.nextBytes(b);
                byte[] sent = a.clone();
                p.host().write(a);
                var got = new ByteArrayOutputStream();
                int n = p.device().read(buf, 0, size / 2, 100);
                got.write(buf, 0, n);
                p.host().write(b);
                Arrays.fill(a, size / 2, size, (byte) 0); // the caller may reuse its array at once
                while (got.size() < 2 * size) {
                    n = p.device().read(buf, 0, buf.length, 100);
                    assertTrue(n > 0);
                    got.write(buf, 0, n);
                }
                byte[] all = got.toByteArray();
                assertArrayEquals(sent, Arrays.copyOf(all, size), options + " size " + size);
                assertArrayEquals(b, Arrays.copyOfRange(all, size, 2 * size), options + " size " + size);
                assertEquals(0, p.device().read(buf, 0, buf.length, 1), "no stale bytes from a reused buffer");
            }
        }
    }

    @Test
    void timeoutReturnsZero() throws IOException {
        var p = InMemoryLink.pair();
        assertEquals(0, p.host().read(new byte[8], 0, 8, 1));
    }

    @Test
    void readAfterPeerClosedDrainsThenReportsDeviceGone() throws IOException {
        var p = InMemoryLink.pair();
        p.device().write(new byte[] {7});
        p.device().close();
        byte[] buf = new byte[8];
        assertEquals(1, p.host().read(buf, 0, 8, 100));
        assertThrows(DeviceGoneException.class, () -> p.host().read(buf, 0, 8, 100));
        assertThrows(DeviceGoneException.class, () -> p.host().write(new byte[] {1}));
    }

    @Test
    void readOnOwnClosedEndIsDeviceGone() {
        var p = InMemoryLink.pair();
        p.host().close();
        assertThrows(DeviceGoneException.class, () -> p.host().read(new byte[8], 0, 8, 100));
    }

    @Test
    void prefetcherDeliversTheImageInOrder() throws IOException {
        byte[] image = new byte[10_000];
        new Random(1).nextBytes(image);
        var out = new ByteArrayOutputStream();
        int chunks = 0;
        try (var p = new ChunkPrefetcher(new ByteArrayInputStream(image), image.length, 4096, 13)) {
            for (ChunkPrefetcher.Chunk c; (c = p.next()) != null; p.release(c)) {
                assertEquals((long) chunks * 4096, c.offset());
                assertEquals(c.offset() + c.length() == image.length, c.last());
                out.write(c.buffer(), c.headroom(), c.length());
                chunks++;
            }
        }
        assertEquals(3, chunks);
        assertArrayEquals(image, out.toByteArray());
    }

    @Test
    void prefetcherReportsATruncatedImage() throws IOException {
        try (var p = new ChunkPrefetcher(new ByteArrayInputStream(new byte[100]), 200, 64, 0)) {
            var c = p.next();
            assertNotNull(c);
            p.release(c);
            IOException e = assertThrows(IOException.class, () -> {
                for (ChunkPrefetcher.Chunk d; (d = p.next()) != null; ) {
                    p.release(d);
                }
            });
            assertTrue(e.getMessage().contains("ended early"), e.getMessage());
        }
    }

    @Test
    void prefetcherCloseDoesNotCloseTheCallersChannel(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        java.nio.file.Path f = dir.resolve("img");
        java.nio.file.Files.write(f, new byte[1 << 16]);
        try (var ch = java.nio.channels.FileChannel.open(f)) {
            var p = new ChunkPrefetcher(java.nio.channels.Channels.newInputStream(ch), 1 << 16, 4096, 0);
            assertNotNull(p.next());
            p.close(); // abandon mid-image, as an error path does
            assertTrue(ch.isOpen());
        }
    }

    @Test
    void tracingLinkReportsHexOfBothDirections() throws IOException {
        var p = InMemoryLink.pair();
        var lines = new java.util.ArrayList<String>();
        var traced = new TracingLink(p.host(), lines::add, 4);
        traced.write(new byte[] {0x7e, 0x02, 0x6a, (byte) 0xd3, 0x7e});
        p.device().write(new byte[] {1, 2});
        traced.read(new byte[8], 0, 8, 100);
        assertEquals(java.util.List.of(">> 5 bytes: 7e 02 6a d3 ...", "<< 2 bytes: 01 02"), lines);
    }
}
