package io.modemflash.qmi.mbim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** MBIM codec against bytes libmbim 1.28 (mbimcli, qmicli --device-open-mbim) wrote to a pty. */
class MbimCodecTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** mbimcli's first message: OPEN, tid 1, MaxControlTransfer 4096. */
    static final String MBIMCLI_OPEN = "01000000 10000000 01000000 00100000";
    /** mbimcli --query-device-caps: Basic Connect CID 1 query, tid 2. */
    static final String MBIMCLI_DEVICE_CAPS = "03000000 30000000 02000000 01000000 00000000"
            + " a289cc33bcbb8b4fb6b0133ec2aae6df 01000000 00000000 00000000";
    /** qmicli --device-open-mbim: device service subscribe list naming QMI CID 1, tid 2. */
    static final String QMICLI_SUBSCRIBE = "03000000 54000000 02000000 01000000 00000000"
            + " a289cc33bcbb8b4fb6b0133ec2aae6df 13000000 01000000 24000000"
            + " 01000000 0c000000 18000000 d1a30bc2f97a6e43bf65c7e24fb0f0d3 01000000 01000000";

    @Test
    void encodesWhatLibmbimSends() throws Exception {
        assertArrayEquals(hex(MBIMCLI_OPEN), new MbimMessage.Open(1, 4096).encode());
        assertArrayEquals(hex(MBIMCLI_DEVICE_CAPS),
                new MbimMessage.Command(2, MbimUuid.BASIC_CONNECT, 1, MbimMessage.QUERY, new byte[0]).encode());
        byte[] element = hex("d1a30bc2f97a6e43bf65c7e24fb0f0d3 01000000 01000000");
        byte[] list = new MbimInformation.Writer().u32(1).data(element).build();
        assertArrayEquals(hex(QMICLI_SUBSCRIBE),
                new MbimMessage.Command(2, MbimUuid.BASIC_CONNECT, 19, MbimMessage.SET, list).encode());
        assertArrayEquals(hex("02000000 0c000000 03000000"), new MbimMessage.Close(3).encode());
    }

    @Test
    void decodesAndRoundTrips() throws Exception {
        MbimMessage m = MbimMessage.decode(hex(QMICLI_SUBSCRIBE));
        MbimMessage.Command c = assertInstanceOf(MbimMessage.Command.class, m);
        assertEquals(MbimUuid.BASIC_CONNECT, c.service());
        assertEquals("Basic Connect", c.service().label());
        assertEquals(19, c.cid());
        assertEquals(MbimMessage.SET, c.commandType());
        MbimInformation.Reader r = new MbimInformation.Reader(c.buffer());
        assertEquals(1, r.u32());
        assertArrayEquals(hex("d1a30bc2f97a6e43bf65c7e24fb0f0d3 01000000 01000000"), r.data());
        for (MbimMessage x : List.of(new MbimMessage.OpenDone(1, 0), new MbimMessage.CloseDone(7, 2),
                new MbimMessage.Error(true, 9, MbimStatus.ERROR_NOT_OPENED),
                new MbimMessage.CommandDone(5, MbimUuid.QMI, 1, 0, hex("01 0b 00 80 00 00 01 01 21 00 00")),
                new MbimMessage.IndicateStatus(0, MbimUuid.QMI, 1, hex("01 02 03")))) {
            assertEquals(x, MbimMessage.decode(x.encode()), x.toString());
        }
    }

    @Test
    void badMessagesAreNamedNotThrownAsIndexErrors() {
        MbimFormatException e = assertThrows(MbimFormatException.class, () -> MbimMessage.decode(hex("01000000")));
        assertTrue(e.getMessage().contains("shorter than its 12-byte header"), e.getMessage());
        byte[] lying = hex(MBIMCLI_DEVICE_CAPS);
        lying[44] = 5; // buffer length 5, nothing follows
        e = assertThrows(MbimFormatException.class, () -> MbimMessage.decode(lying));
        assertTrue(e.getMessage().contains("information buffer says 5 bytes but 0 follow"), e.getMessage());
        byte[] unknown = hex("09000000 0c000000 01000000");
        e = assertThrows(MbimFormatException.class, () -> MbimMessage.decode(unknown));
        assertTrue(e.getMessage().contains("unknown MBIM message type 0x9"), e.getMessage());
        byte[] overflow = new MbimInformation.Writer().u32(100).u32(8).build();
        e = assertThrows(MbimFormatException.class, () -> new MbimInformation.Reader(overflow).data());
        assertTrue(e.getMessage().contains("overflows"), e.getMessage());
    }

    @Test
    void fragmentsSplitToTheLimitAndJoinBack() throws Exception {
        byte[] qmux = new byte[300];
        for (int i = 0; i < qmux.length; i++) {
            qmux[i] = (byte) i;
        }
        MbimMessage.CommandDone whole = new MbimMessage.CommandDone(42, MbimUuid.QMI, 1, 0, qmux);
        List<byte[]> parts = MbimFragments.split(whole.encode(), 64);
        // 348 bytes: 328 after the fragment header, 44 per fragment
        assertEquals(8, parts.size());
        for (int i = 0; i < parts.size(); i++) {
            byte[] p = parts.get(i);
            assertTrue(p.length <= 64);
            assertEquals(p.length, p[4] & 0xFF, "each fragment's own length");
            assertEquals(42, p[8]);
            assertEquals(8, p[12], "total");
            assertEquals(i, p[16], "index");
        }
        MbimFragments.Assembler a = new MbimFragments.Assembler();
        byte[] joined = null;
        for (byte[] p : parts) {
            assertNull(joined, "complete only at the last fragment");
            joined = a.add(p);
        }
        assertEquals(whole, MbimMessage.decode(joined));
        assertEquals(List.of(whole.encode()).get(0).length, joined.length);

        // out of sequence: fragment 2 after 0 drops the message and says so
        MbimFragments.Assembler b = new MbimFragments.Assembler();
        assertNull(b.add(parts.get(0)));
        MbimFormatException e = assertThrows(MbimFormatException.class, () -> b.add(parts.get(2)));
        assertTrue(e.getMessage().contains("incomplete"), e.getMessage());
        assertThrows(MbimFormatException.class, () -> new MbimFragments.Assembler().add(parts.get(3)));
        assertThrows(IllegalArgumentException.class, () -> MbimFragments.split(new byte[100], 64),
                "an OPEN-like message cannot be fragmented");
    }

    @Test
    void aStreamIsCutIntoMessagesAndGarbageIsSetAside() {
        byte[] a = new MbimMessage.OpenDone(1, 0).encode();
        byte[] b = new MbimMessage.CommandDone(2, MbimUuid.QMI, 1, 0, new byte[20]).encode();
        byte[] stream = new byte[a.length + b.length];
        System.arraycopy(a, 0, stream, 0, a.length);
        System.arraycopy(b, 0, stream, a.length, b.length);
        MbimStreamFramer f = new MbimStreamFramer(4096);
        List<MbimStreamFramer.Chunk> out = new ArrayList<>(f.feed(stream, 0, 30));
        assertEquals(1, out.size());
        assertEquals(14, f.pending());
        out.addAll(f.feed(stream, 30, stream.length - 30));
        assertEquals(2, out.size());
        assertArrayEquals(b, out.get(1).bytes());
        List<MbimStreamFramer.Chunk> junk = f.feed(hex("01 0b 00 00 00 00 00 01 21 00 00"), 0, 11);
        assertInstanceOf(MbimStreamFramer.Garbage.class, junk.get(0), "a QMUX frame is not MBIM");
        assertEquals(0, f.pending());
    }

    @Test
    void maxControlMessageFromTheMbimFunctionalDescriptor() {
        // device, then a CDC header, the MBIM functional descriptor (wMaxControlMessage 0x0200), an endpoint
        byte[] d = hex("12 01 00 02 00 00 00 40 99 11 91 90 06 00 01 02 03 01"
                + " 05 24 00 10 01" + " 0c 24 1b 00 01 00 02 20 80 dc 05 20" + " 07 05 81 03 40 00 09");
        assertEquals(Optional.of(512), MbimQmiTransport.wMaxControlMessage(d));
        assertEquals(Optional.empty(), MbimQmiTransport.wMaxControlMessage(hex("12 01 00 02 00")));
    }
}
