package io.modemflash.qmi;

import io.modemflash.qmi.QmuxFramer.Chunk;
import io.modemflash.qmi.QmuxFramer.Frame;
import io.modemflash.qmi.QmuxFramer.Garbage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class QmuxFramerTest {
    static final byte[] A = Hex.parse("01 0C 00 00 02 01 00 02 00 FF FF 00 00");
    static final byte[] B = Hex.parse("01 13 00 80 02 01 02 02 00 FF FF 07 00 02 04 00 00 00 00 00");

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Test
    void severalFramesInOneRead() {
        QmuxFramer f = new QmuxFramer();
        assertEquals(List.of(new Frame(A), new Frame(B), new Frame(A)), f.feed(concat(A, B, A)));
        assertEquals(0, f.pending());
    }

    @Test
    void oneFrameAcrossReadsByteByByte() {
        QmuxFramer f = new QmuxFramer();
        byte[] s = concat(B, A);
        List<Chunk> all = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            List<Chunk> got = f.feed(s, i, 1);
            if (i < B.length - 1) {
                assertTrue(got.isEmpty(), "early frame at byte " + i);
            }
            all.addAll(got);
        }
        assertEquals(List.of(new Frame(B), new Frame(A)), all);
    }

    @Test
    void garbageBeforeMarkerIsReportedAndSkipped() {
        QmuxFramer f = new QmuxFramer();
        List<Chunk> got = f.feed(concat(Hex.parse("0D 0A 4F 4B"), A));
        assertEquals(List.of(new Garbage(Hex.parse("0D 0A 4F 4B")), new Frame(A)), got);
        assertEquals(4, f.skippedBytes());
    }

    @Test
    void strayMarkerWithImplausibleHeaderDoesNotSwallowFollowingFrame() {
        QmuxFramer f = new QmuxFramer();
        // 01 05 00: length 5 is below a minimal QMUX+SDU header; 01 20 00 33: bad QMUX flags.
        byte[] noise = Hex.parse("01 05 00 01 20 00 33");
        List<Chunk> got = f.feed(concat(noise, A));
        assertEquals(2, got.size());
        assertInstanceOf(Garbage.class, got.get(0));
        assertArrayEquals(noise, got.get(0).bytes());
        assertEquals(new Frame(A), got.get(1));
    }

    @Test
    void incompleteFrameWaits() {
        QmuxFramer f = new QmuxFramer();
        assertTrue(f.feed(Arrays.copyOf(B, 10)).isEmpty());
        assertEquals(10, f.pending());
        assertEquals(List.of(new Frame(B)), f.feed(Arrays.copyOfRange(B, 10, B.length)));
    }

    @Test
    void growsForLargeFrames() throws Exception {
        QmiMessage big = QmiMessage.response(2, 1, 1, 0x49, List.of(new Tlv(1, new byte[9000])));
        byte[] enc = big.encode();
        QmuxFramer f = new QmuxFramer();
        assertTrue(f.feed(Arrays.copyOf(enc, 5000)).isEmpty());
        List<byte[]> frames = f.feedFrames(enc, 5000, enc.length - 5000);
        assertEquals(1, frames.size());
        assertEquals(big, QmiMessage.decode(frames.get(0)));
    }

    @Test
    void strayMarkerWithPlausibleLengthButInconsistentSduIsSkipped() {
        // 01 20 00 80 02 ...: flags fine, but the SDU flags (0x07) are not a DMS kind; then a TLV
        // length that disagrees with the QMUX length. Neither may hold back the real frame.
        QmuxFramer f = new QmuxFramer();
        byte[] noise1 = Hex.parse("01 20 00 80 02 01 07");
        byte[] noise2 = Hex.parse("01 20 00 80 02 01 02 01 00 22 00 05 00");
        List<Chunk> got = f.feed(concat(noise1, noise2, B));
        assertEquals(new Frame(B), got.get(got.size() - 1), got.toString());
        long garbage = got.stream().filter(c -> c instanceof Garbage).mapToInt(c -> c.bytes().length).sum();
        assertEquals(noise1.length + noise2.length, garbage);
        assertEquals(0, f.pending());
    }

    @Test
    void consistentHeaderWithBadTlvsIsStillDeliveredAsAFrame() {
        byte[] bad = Hex.parse("01 0E 00 80 02 01 02 01 00 22 00 02 00 01 05");
        assertEquals(List.of(new Frame(bad)), new QmuxFramer().feed(bad));
    }
}
