package io.modemflash.qdl.hdlc;

import io.modemflash.qdl.NotInDownloadModeException;
import io.modemflash.qdl.ProtocolException;
import io.modemflash.qdl.hdlc.QdlMessage.*;
import io.modemflash.qdl.link.InMemoryLink;
import io.modemflash.qdl.link.LinkTimeoutException;
import io.modemflash.qdl.testutil.PeerIo;
import io.modemflash.qdl.testutil.PeerThread;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class SierraQdlSessionTest {

    /** A minimal Sierra QDL target: answers framed requests, swallows unframed chunks. */
    static final class Peer {
        final PeerIo io;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final List<Integer> helloVersionsSeen = new ArrayList<>();
        OpenUnframed opened;
        int acceptHello = 6;
        QdlMessage sdpAnswer = new DloadAck();
        int badSeqAt = -1;
        int chunkStatusAt = -1;
        boolean reset;

        Peer(PeerIo io) {
            this.io = io;
        }

        void send(QdlMessage m) throws IOException {
            io.write(Hdlc.frame(QdlCodec.encode(m)));
        }

        /** Serves until reset. */
        void run() throws IOException {
            while (!reset) {
                int first = io.readByte();
                if (first == Hdlc.FLAG) {
                    continue;
                }
                if (first == QdlMessage.CMD_WRITE_UNFRAMED) {
                    byte[] h = new byte[13];
                    h[0] = (byte) first;
                    System.arraycopy(io.readExactly(12), 0, h, 1, 12);
                    var w = (WriteUnframedHeader) QdlCodec.decode(h);
                    received.write(io.readExactly((int) w.chunkSize()));
                    int seq = w.sequence() == badSeqAt ? w.sequence() + 1 : w.sequence();
                    send(new WriteRsp(seq, 0, w.sequence() == chunkStatusAt ? 0x0A : 0));
                    continue;
                }
                byte[] rest = io.readUntil(Hdlc.FLAG);
                byte[] frame = new byte[rest.length + 1];
                frame[0] = (byte) first;
                System.arraycopy(rest, 0, frame, 1, rest.length);
                QdlMessage m = QdlCodec.decode(Hdlc.unframe(frame));
                if (m instanceof DloadSdp) {
                    if (sdpAnswer instanceof DiagBadCommand d) {
                        io.write(Hdlc.frame(QdlCodec.encode(d)));
                        return;
                    }
                    send(sdpAnswer);
                } else if (m instanceof Hello h) {
                    helloVersionsSeen.add(h.maxVersion());
                    if (h.maxVersion() == acceptHello) {
                        send(new HelloRsp(QdlMessage.TARGET_MAGIC + "0", h.maxVersion(), 4, 0, 0, 0, 0, 0, 0x30));
                    } else if (acceptHello < 0) {
                        send(new QdlMessage.Error(0x05, 0));
                    } // else: stay silent like an old target
                } else if (m instanceof OpenUnframed o) {
                    opened = o;
                    send(new OpenRsp(0, 1, o.chunkSize()));
                } else if (m instanceof CloseUnframed) {
                    send(new CloseRsp(0, opened.imageType(), 0));
                } else if (m instanceof Reset) {
                    reset = true;
                } else {
                    throw new IOException("peer: unexpected " + m);
                }
            }
        }
    }

    private static final SierraQdlSession.Options FAST =
            new SierraQdlSession.Options(2_000, 2_000, 200, 1 << 20, new int[] {6, 5, 4});

    private static QdlImage image(byte[] header, byte[] payload) {
        return new QdlImage("test.cwe", QdlMessage.IMAGE_CWE, header, header.length + payload.length, payload.length,
                () -> new ByteArrayInputStream(payload));
    }

    @Test
    void fullCweDownload() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(new PeerIo(pair.device()));
        peer.acceptHello = 5;
        byte[] header = new byte[400];
        header[268] = 'S';
        byte[] payload = new byte[(5 << 20) / 2 + 123];
        new Random(7).nextBytes(payload);
        List<long[]> progress = new ArrayList<>();
        try (var t = new PeerThread(peer::run)) {
            var s = new SierraQdlSession(pair.host(), FAST);
            assertTrue(s.sdp());
            s.hello();
            assertEquals(5, s.version());
            s.writeImage(image(header, payload), (n, done, total) -> progress.add(new long[] {done, total}));
            s.reset();
            t.join();
        }
        assertEquals(List.of(6, 5), peer.helloVersionsSeen, "probes 6 first, then 5");
        assertArrayEquals(payload, peer.received.toByteArray());
        assertEquals(400 + payload.length, peer.opened.length());
        assertEquals(payload.length, peer.opened.chunkSize());
        assertEquals(1, peer.opened.window());
        assertArrayEquals(header, peer.opened.header());
        assertEquals(3, progress.size());
        assertEquals(payload.length, progress.get(2)[0]);
    }

    /** Passes everything through, but the first chunk write (header + data) waits for {@code release}. */
    private static final class FirstChunkBlocks extends io.modemflash.qdl.link.ForwardingLink {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger chunkWritesDone = new AtomicInteger();

        FirstChunkBlocks(io.modemflash.qdl.link.Link inner) {
            super(inner);
        }

        @Override
        public void write(byte[] data, int off, int len) throws IOException {
            boolean chunk = len > QdlCodec.WRITE_HEADER_LENGTH && data[off] == QdlMessage.CMD_WRITE_UNFRAMED;
            if (chunk && entered.getCount() > 0) {
                entered.countDown();
                try {
                    if (!release.await(10, TimeUnit.SECONDS)) {
                        throw new IOException("test never released the first chunk write");
                    }
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
            inner.write(data, off, len);
            if (chunk) {
                chunkWritesDone.incrementAndGet();
            }
        }






    }

    @Test
    void theNextChunkIsReadWhileTheCurrentWriteIsInFlight() throws Exception {
        int chunk = 64 * 1024;
        byte[] payload = new byte[4 * chunk];
        new Random(11).nextBytes(payload);
        List<Long> readOffsets = new CopyOnWriteArrayList<>();
        CountDownLatch secondChunkRead = new CountDownLatch(1);
        // records where each read of the image starts; the prefetcher runs it on its own thread
        java.io.InputStream source = new ByteArrayInputStream(payload) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                long at = payload.length - available();
                readOffsets.add(at);
                int n = super.read(b, off, len);
                if (n > 0 && at + n > chunk) {
                    secondChunkRead.countDown();
                }
                return n;
            }
        };
        var pair = InMemoryLink.pair();
        var peer = new Peer(new PeerIo(pair.device()));
        var link = new FirstChunkBlocks(pair.host());
        var opts = new SierraQdlSession.Options(2_000, 2_000, 200, chunk, new int[] {6});
        var img = new QdlImage("test.cwe", QdlMessage.IMAGE_CWE, new byte[400], 400 + payload.length, payload.length,
                () -> source);
        try (var t = new PeerThread(peer::run)) {
            var s = new SierraQdlSession(link, opts);
            var writing = CompletableFuture.runAsync(() -> {
                try {
                    s.writeImage(img, io.modemflash.qdl.Progress.NONE);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try {
                assertTrue(link.entered.await(5, TimeUnit.SECONDS), "the first chunk write started");
                assertTrue(secondChunkRead.await(5, TimeUnit.SECONDS),
                        "chunk 1 is read while chunk 0's write is in flight; reads so far at " + readOffsets);
                assertEquals(0, link.chunkWritesDone.get(), "chunk 0's write is still blocked");
                assertFalse(writing.isDone());
                Thread.sleep(50); // give a third buffer, if there were one, the time to fill
                assertTrue(readOffsets.stream().allMatch(o -> o < 2 * chunk),
                        "two buffers only: chunk 2 waits for chunk 0's buffer; reads at " + readOffsets);
            } finally {
                link.release.countDown();
            }
            writing.get(10, TimeUnit.SECONDS);
            s.reset();
            t.join();
        }
        assertEquals(4, link.chunkWritesDone.get());
        assertArrayEquals(payload, peer.received.toByteArray());
    }

    @Test
    void sdpNotSupportedIsSkipped() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(new PeerIo(pair.device()));
        peer.sdpAnswer = new QdlMessage.Error(0x16, 0);
        try (var t = new PeerThread(peer::run)) {
            var s = new SierraQdlSession(pair.host(), FAST);
            assertFalse(s.sdp());
            s.hello();
            s.reset();
            t.join();
        }
    }

    @Test
    void diagPortIsReportedAsNotInDownloadMode() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(new PeerIo(pair.device()));
        peer.sdpAnswer = new DiagBadCommand(new byte[] {0x70, 0, 0});
        try (var t = new PeerThread(peer::run)) {
            var s = new SierraQdlSession(pair.host(), FAST);
            var e = assertThrows(NotInDownloadModeException.class, s::sdp);
            assertTrue(e.getMessage().contains("not in download mode (DIAG answered)"), e.getMessage());
            t.join();
        }
    }

    @Test
    void wrongSequenceIsAProtocolError() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(new PeerIo(pair.device()));
        peer.badSeqAt = 1;
        try (var t = new PeerThread(() -> {
            try {
                peer.run();
            } catch (IOException expected) {
                // host stops talking after the error
            }
        })) {
            var s = new SierraQdlSession(pair.host(), FAST);
            s.hello();
            var e = assertThrows(ProtocolException.class, () -> s.writeImage(image(new byte[400], new byte[3 << 20]),
                    io.modemflash.qdl.Progress.NONE));
            assertTrue(e.getMessage().contains("out of sequence"), e.getMessage());
            pair.host().close();
            t.join(); // the peer ends on the hang-up, having seen nothing unexpected
        }
    }

    @Test
    void chunkStatusIsNamed() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(new PeerIo(pair.device()));
        peer.chunkStatusAt = 0;
        try (var t = new PeerThread(() -> {
            try {
                peer.run();
            } catch (IOException expected) {
                // host closes
            }
        })) {
            var s = new SierraQdlSession(pair.host(), FAST);
            s.hello();
            var e = assertThrows(QdlDeviceException.class, () -> s.writeImage(image(new byte[400], new byte[100]),
                    io.modemflash.qdl.Progress.NONE));
            assertTrue(e.getMessage().contains("write-verify failed"), e.getMessage());
            pair.host().close();
            t.join(); // the peer ends on the hang-up, having seen nothing unexpected
        }
    }

    @Test
    void helloRefusedByEveryVersionReportsTheDeviceError() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(new PeerIo(pair.device()));
        peer.acceptHello = -1;
        try (var t = new PeerThread(() -> {
            try {
                peer.run();
            } catch (IOException expected) {
                // host closes
            }
        })) {
            var s = new SierraQdlSession(pair.host(), FAST);
            var e = assertThrows(QdlDeviceException.class, s::hello);
            assertTrue(e.getMessage().contains("invalid command"), e.getMessage());
            assertEquals(List.of(6, 5, 4), peer.helloVersionsSeen);
            pair.host().close();
            t.join(); // the peer ends on the hang-up, having seen nothing unexpected
        }
    }

    @Test
    void silentPortTimesOut() throws IOException {
        var pair = InMemoryLink.pair();
        var s = new SierraQdlSession(pair.host(), FAST);
        assertThrows(LinkTimeoutException.class, s::hello);
    }
}
