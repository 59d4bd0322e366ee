package io.modemflash.qdl.sahara;

import io.modemflash.qdl.ProtocolException;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.link.InMemoryLink;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.sahara.SaharaPacket.*;
import io.modemflash.qdl.sahara.SaharaSession.State;
import io.modemflash.qdl.testutil.PeerIo;
import io.modemflash.qdl.testutil.PeerThread;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class SaharaSessionTest {

    /** Packet helpers for the scripted device side. */
    static final class Peer {
        final PeerIo io;

        Peer(Link link) {
            io = new PeerIo(link);
        }

        void send(SaharaPacket p) throws IOException {
            io.write(SaharaCodec.encode(p));
        }

        SaharaPacket receive() throws IOException {
            byte[] h = io.readExactly(8);
            int len = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
            byte[] all = Arrays.copyOf(h, len);
            System.arraycopy(io.readExactly(len - 8), 0, all, 8, len - 8);
            return SaharaCodec.decode(all);
        }

        <T extends SaharaPacket> T expect(Class<T> type) throws IOException {
            SaharaPacket p = receive();
            assertInstanceOf(type, p);
            return type.cast(p);
        }
    }

    private static final SaharaSession.Options FAST = SaharaSession.Options.DEFAULTS.withTimeouts(2_000, 300);
    private static final Hello HELLO = new Hello(2, 1, 0x400, 0);

    private static byte[] programmer() {
        byte[] elf = new byte[0x3000];
        new Random(3).nextBytes(elf);
        return elf;
    }

    @Test
    void uploadsAProgrammerServingRangesInAnyOrder() throws Exception {
        var pair = InMemoryLink.pair();
        byte[] elf = programmer();
        var peer = new Peer(pair.device());
        try (var t = new PeerThread(() -> {
            peer.send(HELLO);
            HelloResp r = peer.expect(HelloResp.class);
            assertEquals(new HelloResp(2, 1, 0, 0), r);
            long[][] ranges = {{0, 0x34}, {0x1000, 0x1000}, {0x34, 0x60}, {0x2000, 0x1000}};
            for (long[] rg : ranges) {
                if (rg[0] == 0x2000) {
                    peer.send(new ReadData64(13, rg[0], rg[1]));
                } else {
                    peer.send(new ReadData(13, rg[0], rg[1]));
                }
                byte[] got = peer.io.readExactly((int) rg[1]);
                assertArrayEquals(Arrays.copyOfRange(elf, (int) rg[0], (int) (rg[0] + rg[1])), got);
            }
            peer.send(new EndOfImageTx(13, 0));
            peer.expect(Done.class);
            peer.send(new DoneResp(1));
        })) {
            var s = new SaharaSession(pair.host(), FAST);
            var d = s.detect();
            assertEquals(State.SAHARA_HELLO, d.state());
            assertEquals(HELLO, d.hello());
            long[] last = new long[2];
            s.uploadImages(Map.of(13L, SaharaImage.of("prog.elf", elf)), (n, done, total) -> {
                last[0] = done;
                last[1] = total;
            });
            t.join();
            assertEquals(elf.length, last[1]);
            assertFalse(pair.host().zeroLengthPackets(), "no ZLPs during Sahara");
        }
    }

    @Test
    void pendingDoneWithASingleImageIsAccepted() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(pair.device());
        try (var t = new PeerThread(() -> {
            peer.send(HELLO);
            peer.expect(HelloResp.class);
            peer.send(new ReadData(7, 0, 16));
            peer.io.readExactly(16);
            peer.send(new EndOfImageTx(7, 0));
            peer.expect(Done.class);
            peer.send(new DoneResp(0));
        })) {
            var s = new SaharaSession(pair.host(), FAST);
            s.awaitHello();
            s.uploadProgrammer(SaharaImage.of("prog.elf", programmer()), Progress.NONE);
            t.join();
        }
    }

    @Test
    void rangeOutsideTheImageIsReportedNotPadded() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(pair.device());
        try (var t = new PeerThread(() -> {
            peer.send(HELLO);
            peer.expect(HelloResp.class);
            peer.send(new ReadData(13, 0x2FF0, 0x20));
        })) {
            var s = new SaharaSession(pair.host(), FAST);
            s.awaitHello();
            var e = assertThrows(ProtocolException.class,
                    () -> s.uploadImages(Map.of(13L, SaharaImage.of("prog.elf", programmer())), Progress.NONE));
            assertTrue(e.getMessage().contains("outside the image"), e.getMessage());
            t.join();
        }
    }

    @Test
    void unknownImageIdIsReported() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(pair.device());
        try (var t = new PeerThread(() -> {
            peer.send(HELLO);
            peer.expect(HelloResp.class);
            peer.send(new ReadData(21, 0, 0x34));
        })) {
            var s = new SaharaSession(pair.host(), FAST);
            s.awaitHello();
            var e = assertThrows(ProtocolException.class,
                    () -> s.uploadImages(Map.of(13L, SaharaImage.of("prog.elf", programmer())), Progress.NONE));
            assertTrue(e.getMessage().contains("image id 21"), e.getMessage());
            t.join();
        }
    }

    @Test
    void hashTableAuthFailureSaysWrongOem() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(pair.device());
        try (var t = new PeerThread(() -> {
            peer.send(HELLO);
            peer.expect(HelloResp.class);
            peer.send(new EndOfImageTx(13, 0x21));
        })) {
            var s = new SaharaSession(pair.host(), FAST);
            s.awaitHello();
            var e = assertThrows(SaharaStatusException.class,
                    () -> s.uploadImages(Map.of(13L, SaharaImage.of("prog.elf", programmer())), Progress.NONE));
            assertTrue(e.getMessage().startsWith("programmer rejected: hash table auth failure (signed for another OEM)"),
                    e.getMessage());
            assertEquals(SaharaStatus.HASH_TABLE_AUTH_FAILURE, e.named());
            t.join();
        }
    }

    @Test
    void multiImageBootWithSecondHello() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(pair.device());
        try (var t = new PeerThread(() -> {
            peer.send(HELLO);
            peer.expect(HelloResp.class);
            peer.send(new ReadData(21, 0, 8));
            assertArrayEquals(new byte[] {1, 1, 1, 1, 1, 1, 1, 1}, peer.io.readExactly(8));
            peer.send(new EndOfImageTx(21, 0));
            peer.expect(Done.class);
            peer.send(new DoneResp(0));
            peer.send(HELLO);
            peer.expect(HelloResp.class);
            peer.send(new ReadData(13, 4, 4));
            assertArrayEquals(new byte[] {2, 2, 2, 2}, peer.io.readExactly(4));
            peer.send(new EndOfImageTx(13, 0));
            peer.expect(Done.class);
            peer.send(new DoneResp(1));
        })) {
            var s = new SaharaSession(pair.host(), FAST);
            s.awaitHello();
            byte[] a = new byte[8];
            Arrays.fill(a, (byte) 1);
            byte[] b = new byte[8];
            Arrays.fill(b, (byte) 2);
            s.uploadImages(Map.of(21L, SaharaImage.of("a", a), 13L, SaharaImage.of("b", b)), Progress.NONE);
            t.join();
        }
    }

    @Test
    void commandModeChipInfoFallsBackToChipIdV3() throws Exception {
        var pair = InMemoryLink.pair(InMemoryLink.Options.TTY);
        var peer = new Peer(pair.device());
        byte[] hash = new byte[32];
        Arrays.fill(hash, (byte) 0xAB);
        byte[] chip = new byte[48];
        ByteBuffer.wrap(chip).order(ByteOrder.LITTLE_ENDIAN).putInt(36, 0x0013F0E1).putShort(40, (short) 0x51)
                .putShort(42, (short) 2);
        try (var t = new PeerThread(() -> {
            peer.send(new Hello(3, 1, 0x400, 0));
            assertEquals(3, peer.expect(HelloResp.class).mode());
            peer.send(new CmdReady());
            assertEquals(1, peer.expect(Execute.class).clientCommand());
            peer.send(new ExecuteResp(1, 4));
            peer.expect(ExecuteData.class);
            peer.io.write(new byte[] {0x25, (byte) 0xE0, 0x1E, 0x5A});
            assertEquals(2, peer.expect(Execute.class).clientCommand());
            peer.send(new EndOfImageTx(0, 0x1F)); // v3 PBLs no longer answer the HW id
            assertEquals(0x0A, peer.expect(Execute.class).clientCommand());
            peer.send(new ExecuteResp(0x0A, chip.length));
            peer.expect(ExecuteData.class);
            peer.io.write(chip);
            assertEquals(3, peer.expect(Execute.class).clientCommand());
            peer.send(new ExecuteResp(3, 96));
            peer.expect(ExecuteData.class);
            peer.io.write(Arrays.copyOf(hash, 32));
            peer.io.write(Arrays.copyOf(hash, 32));
            peer.io.write(new byte[32]);
            assertEquals(7, peer.expect(Execute.class).clientCommand());
            peer.send(new EndOfImageTx(0, 0x1F));
            assertEquals(new SwitchMode(0), peer.receive());
        })) {
            var s = new SaharaSession(pair.host(), FAST);
            s.awaitHello();
            s.enterCommandMode();
            var info = s.readChipInfo();
            s.switchMode(SaharaPacket.MODE_IMAGE_TX_PENDING);
            t.join();
            assertEquals(0x5A1EE025L, info.serial());
            assertEquals(0x0013F0E1L, info.hwId().msmId());
            assertEquals(0x51, info.hwId().oemId());
            assertEquals(2, info.hwId().modelId());
            assertArrayEquals(hash, info.pkHash());
            assertNull(info.sblVersion());
        }
    }

    @Test
    void sierraSwitchToFirehoseSendsNothingBeforeHello() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(pair.device());
        try (var t = new PeerThread(() -> {
            byte[] b = new byte[16];
            assertEquals(0, pair.device().read(b, 0, b.length, 400), "host wrote before HELLO");
            peer.send(new Hello(2, 1, 0x400, 0));
            assertEquals(new HelloResp(2, 2, 0, 3), peer.expect(HelloResp.class));
            peer.send(new CmdReady());
            assertEquals(0xFF00, peer.expect(Execute.class).clientCommand());
            peer.send(new ExecuteResp(0xFF00, 9));
            peer.expect(ExecuteData.class);
            peer.io.write("confirmed".getBytes(StandardCharsets.US_ASCII));
        })) {
            var s = new SaharaSession(pair.host(), SaharaSession.Options.SIERRA_9X50.withTimeouts(2_000, 2_000));
            s.awaitHello();
            s.sierraSwitchToFirehose();
            t.join();
        }
    }

    @Test
    void sierraSwitchRefusedIsAProtocolError() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(pair.device());
        try (var t = new PeerThread(() -> {
            peer.send(new Hello(2, 1, 0x400, 0));
            peer.expect(HelloResp.class);
            peer.send(new CmdReady());
            peer.expect(Execute.class);
            peer.send(new ExecuteResp(0xFF00, 9));
            peer.expect(ExecuteData.class);
            peer.io.write("rejected!".getBytes(StandardCharsets.US_ASCII));
        })) {
            var s = new SaharaSession(pair.host(), SaharaSession.Options.SIERRA_9X50.withTimeouts(2_000, 2_000));
            s.awaitHello();
            var e = assertThrows(ProtocolException.class, s::sierraSwitchToFirehose);
            assertTrue(e.getMessage().contains("rejected!"), e.getMessage());
            t.join();
        }
    }

    @Test
    void lostHelloIsRecoveredWithAOneByteWrite() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(pair.device());
        try (var t = new PeerThread(() -> {
            assertEquals(1, peer.io.readExactly(1).length);
            peer.send(HELLO);
        })) {
            var s = new SaharaSession(pair.host(), FAST);
            assertEquals(HELLO, s.awaitHello());
            t.join();
        }
    }

    @Test
    void silentWithoutRecoveryIsReportedAsSilent() throws IOException {
        var pair = InMemoryLink.pair();
        var s = new SaharaSession(pair.host(), SaharaSession.Options.SIERRA_9X50.withTimeouts(100, 100));
        assertEquals(State.SILENT, s.detect().state());
        assertEquals(0, pair.device().read(new byte[4], 0, 4, 10), "nothing written");
    }

    @Test
    void detectsOtherProtocols() throws IOException {
        var pair = InMemoryLink.pair();
        pair.device().write("<?xml version=\"1.0\" ?><data><log value=\"hi\"/></data>".getBytes(StandardCharsets.US_ASCII));
        var d = new SaharaSession(pair.host(), FAST).detect();
        assertEquals(State.FIREHOSE, d.state());
        assertTrue(new String(d.firstBytes(), StandardCharsets.US_ASCII).startsWith("<?xml"));

        var pair2 = InMemoryLink.pair();
        pair2.device().write(new byte[] {0x7e, 0x02, 0x6a, (byte) 0xd3, 0x7e});
        assertEquals(State.HDLC, new SaharaSession(pair2.host(), FAST).detect().state());

        var pair3 = InMemoryLink.pair();
        pair3.device().write(SaharaCodec.encode(new EndOfImageTx(0, 0x16)));
        var d3 = new SaharaSession(pair3.host(), FAST).detect();
        assertEquals(State.SAHARA_ERROR, d3.state());
        assertEquals(0x16, d3.error().status());
    }

    @Test
    void ttyStreamWithSeveralPacketsInOneRead() throws Exception {
        var pair = InMemoryLink.pair(InMemoryLink.Options.TTY);
        byte[] both = new byte[0x30 + 0x14];
        System.arraycopy(SaharaCodec.encode(HELLO), 0, both, 0, 0x30);
        System.arraycopy(SaharaCodec.encode(new ReadData(13, 0, 4)), 0, both, 0x30, 0x14);
        var peer = new Peer(pair.device());
        byte[] elf = programmer();
        try (var t = new PeerThread(() -> {
            peer.io.write(both);
            peer.expect(HelloResp.class);
            assertArrayEquals(Arrays.copyOf(elf, 4), peer.io.readExactly(4));
            peer.send(new EndOfImageTx(13, 0));
            peer.expect(Done.class);
            peer.send(new DoneResp(1));
        })) {
            var s = new SaharaSession(pair.host(), FAST);
            Thread.sleep(50); // let both packets land in one buffer
            s.awaitHello();
            s.uploadProgrammer(SaharaImage.of("p", elf), Progress.NONE);
            t.join();
        }
    }

    @Test
    void memoryDebugReadsTheTableAndDumpsInPieces() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new Peer(pair.device());
        int regionLen = 512 * 1024 + 100;
        byte[] memory = new byte[regionLen];
        new Random(9).nextBytes(memory);
        byte[] table = SaharaCodecTest.regionEntry(true, 0x1_0000_0000L, regionLen, "DDR", "DDRCS0.BIN");
        try (var t = new PeerThread(() -> {
            peer.send(new Hello(2, 1, 0x400, 2));
            assertEquals(2, peer.expect(HelloResp.class).mode());
            peer.send(new MemoryDebug64(0x2000, table.length));
            assertEquals(new MemoryRead64(0x2000, table.length), peer.receive());
            peer.io.write(table);
            assertEquals(new MemoryRead64(0x1_0000_0000L, 512 * 1024), peer.receive());
            peer.io.write(Arrays.copyOf(memory, 512 * 1024));
            assertEquals(new MemoryRead64(0x1_0000_0000L + 512 * 1024, 100), peer.receive());
            peer.io.write(Arrays.copyOfRange(memory, 512 * 1024, regionLen));
        })) {
            var s = new SaharaSession(pair.host(), FAST);
            s.awaitHello();
            var regions = s.memoryDebugTable();
            assertEquals(1, regions.size());
            var out = new ByteArrayOutputStream();
            s.dumpRegion(regions.get(0), out, Progress.NONE);
            t.join();
            assertArrayEquals(memory, out.toByteArray());
        }
    }

    @Test
    void operationsBeforeHelloAreAProgrammingError() {
        var s = new SaharaSession(InMemoryLink.pair().host(), FAST);
        assertThrows(IllegalStateException.class, s::enterCommandMode);
    }

    @Test
    void bytesAfterConfirmedAreHandedToTheNextSession() throws Exception {
        var pair = InMemoryLink.pair(InMemoryLink.Options.TTY);
        var peer = new Peer(pair.device());
        byte[] banner = "<?xml version=\"1.0\" ?><data><log value=\"hello from firehose\"/></data>"
                .getBytes(StandardCharsets.US_ASCII);
        try (var t = new PeerThread(() -> {
            peer.send(new Hello(2, 1, 0x400, 0));
            peer.expect(HelloResp.class);
            peer.send(new CmdReady());
            peer.expect(Execute.class);
            peer.send(new ExecuteResp(0xFF00, 9));
            peer.expect(ExecuteData.class);
            byte[] both = Arrays.copyOf("confirmed".getBytes(StandardCharsets.US_ASCII), 9 + banner.length);
            System.arraycopy(banner, 0, both, 9, banner.length);
            peer.io.write(both); // one tty read may carry "confirmed" and the first Firehose log
        })) {
            var s = new SaharaSession(pair.host(), SaharaSession.Options.SIERRA_9X50.withTimeouts(2_000, 2_000));
            s.awaitHello();
            s.sierraSwitchToFirehose();
            t.join();
            byte[] rest = s.takeBuffered();
            var fh = new io.modemflash.qdl.firehose.FirehoseSession(pair.host(),
                    io.modemflash.qdl.firehose.FirehoseSession.Options.DEFAULTS, rest);
            assertEquals(java.util.List.of("hello from firehose"), fh.drainLogs());
        }
    }

    @Test
    void servesRangesFromAFileWithoutLoadingIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        byte[] elf = programmer();
        java.nio.file.Path f = dir.resolve("prog_firehose_ddr.elf");
        java.nio.file.Files.write(f, elf);
        var pair = InMemoryLink.pair();
        var peer = new Peer(pair.device());
        try (var t = new PeerThread(() -> {
            peer.send(HELLO);
            peer.expect(HelloResp.class);
            peer.send(new ReadData64(13, 0x2F00, 0x100));
            assertArrayEquals(Arrays.copyOfRange(elf, 0x2F00, 0x3000), peer.io.readExactly(0x100));
            peer.send(new ReadData(13, 0, 0x34));
            assertArrayEquals(Arrays.copyOf(elf, 0x34), peer.io.readExactly(0x34));
            peer.send(new EndOfImageTx(13, 0));
            peer.expect(Done.class);
            peer.send(new DoneResp(1));
        }); SaharaImage img = SaharaImage.open(f)) {
            var s = new SaharaSession(pair.host(), FAST);
            s.awaitHello();
            assertEquals(elf.length, img.size());
            s.uploadImages(Map.of(13L, img), Progress.NONE);
            t.join();
        }
    }
}
