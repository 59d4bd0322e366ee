package io.modemflash.qdl.hdlc;

import io.modemflash.qdl.hdlc.QdlMessage.*;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.modemflash.qdl.testutil.Hex.bytes;
import static io.modemflash.qdl.testutil.Hex.hex;
import static org.junit.jupiter.api.Assertions.*;

class HdlcCodecTest {

    @Test
    void crcCheckValue() {
        assertEquals(0x906E, Crc16.compute("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void goldenFrames() throws HdlcException {
        assertEquals("7E 70 00 00 14 46 7E", hex(QdlCodec.toWire(new DloadSdp())));
        assertEquals("7E 2D 9F 0A 7E", hex(QdlCodec.toWire(new Reset())));
        assertEquals("7E 29 BB 4C 7E", hex(QdlCodec.toWire(new CloseUnframed())));
        assertEquals("7E 02 6A D3 7E", hex(Hdlc.frame(new byte[] {2})));
        assertInstanceOf(DloadAck.class, QdlCodec.decode(Hdlc.unframe(bytes("7E 02 6A D3 7E"))));
        assertInstanceOf(Reset.class, QdlCodec.decode(Hdlc.unframe(bytes("2D 9F 0A 7E"))), "leading 7E optional");
    }

    @Test
    void escapesRoundTrip() throws HdlcException {
        byte[] payload = {0x7e, 0x7d, 0x00, 0x5e, 0x5d, (byte) 0xff};
        byte[] framed = Hdlc.frame(payload);
        for (int i = 1; i < framed.length - 1; i++) {
            assertNotEquals(0x7e, framed[i] & 0xff, "no flag inside the frame");
        }
        assertTrue(hex(framed).startsWith("7E 7D 5E 7D 5D 00 5E 5D FF"));
        assertArrayEquals(payload, Hdlc.unframe(framed));
    }

    @Test
    void escapedCrcBytesRoundTrip() throws HdlcException {
        // Find a payload whose CRC contains 7E or 7D so the CRC escape path is exercised.
        for (int i = 0; i < 65536; i++) {
            byte[] p = {(byte) i, (byte) (i >> 8)};
            int crc = Crc16.compute(p);
            if ((crc & 0xff) == 0x7e || (crc >> 8) == 0x7d) {
                assertArrayEquals(p, Hdlc.unframe(Hdlc.frame(p)));
                return;
            }
        }
        fail("no payload with an escaped CRC found");
    }

    @Test
    void hostileFrames() {
        assertThrows(HdlcException.class, () -> Hdlc.unframe(bytes("7E 02 6A D4 7E")), "bad CRC");
        assertThrows(HdlcException.class, () -> Hdlc.unframe(bytes("7E 02 7D")), "dangling escape");
        assertThrows(HdlcException.class, () -> Hdlc.unframe(bytes("7E 02 7D 41 6A 7E")), "invalid escape");
        assertThrows(HdlcException.class, () -> Hdlc.unframe(bytes("7E 6A D3 7E")), "no payload");
        assertThrows(HdlcException.class, () -> Hdlc.unframe(bytes("7E 7E")));
        assertThrows(HdlcException.class, () -> Hdlc.unframe(new byte[0]));
        assertThrows(HdlcException.class, () -> Hdlc.unframe(bytes("02 7E 6A D3 7E")), "flag inside");
    }

    @Test
    void deframerSplitsAndJoins() throws HdlcException {
        var d = new Hdlc.Deframer(1024);
        List<byte[]> f = d.feed(bytes("7E 02 6A D3 7E 7E 2D 9F"), 0, 8);
        assertEquals(1, f.size());
        assertEquals(2, d.pending());
        f = d.feed(bytes("0A 7E"), 0, 2);
        assertEquals(1, f.size());
        assertInstanceOf(Reset.class, QdlCodec.decode(Hdlc.unframe(f.get(0))));
        var small = new Hdlc.Deframer(4);
        assertThrows(HdlcException.class, () -> small.feed(new byte[10], 0, 10));
    }

    @Test
    void helloResponseMustBe49Bytes() throws HdlcException {
        var rsp = new HelloRsp("QCOM high speed protocol tgt", 6, 4, 1, 2, 3, 4, 5, 0x30);
        byte[] p = QdlCodec.encode(rsp);
        assertEquals(49, p.length);
        assertEquals(rsp, QdlCodec.decode(p));
        assertThrows(HdlcException.class, () -> QdlCodec.decode(java.util.Arrays.copyOf(p, 48)));
        assertThrows(HdlcException.class, () -> QdlCodec.decode(java.util.Arrays.copyOf(p, 50)));
    }

    @Test
    void everyMessageRoundTrips() throws HdlcException {
        List<QdlMessage> all = List.of(new DloadSdp(), new DloadAck(), Hello.forVersion(6),
                new QdlMessage.Error(0x0F, 0), new OpenRsp(0, 1, 1 << 20), new WriteUnframedHeader(7, 1 << 20),
                new WriteRsp(7, 0, 0), new CloseUnframed(), new CloseRsp(0, 0x80, 0), new Reset());
        for (QdlMessage m : all) {
            assertEquals(m, QdlCodec.decode(QdlCodec.encode(m)), m.toString());
        }
        var open = new OpenUnframed(0x80, 1000, 1, 600, new byte[400]);
        var back = (OpenUnframed) QdlCodec.decode(QdlCodec.encode(open));
        assertEquals(400, back.header().length);
        assertEquals(1000, back.length());
        assertEquals(600, back.chunkSize());
    }

    @Test
    void helloLayout() {
        byte[] p = QdlCodec.encode(Hello.forVersion(6));
        assertEquals(36, p.length);
        assertEquals(1, p[0]);
        assertEquals("QCOM high speed protocol hst", new String(p, 1, 28, StandardCharsets.US_ASCII));
        assertEquals(0, p[29]);
        assertEquals(6, p[33]);
        assertEquals(6, p[34]);
        assertEquals(0x30, p[35]);
    }

    @Test
    void writeHeaderLayoutAndCrc() throws HdlcException {
        byte[] h = QdlCodec.encode(new WriteUnframedHeader(0x0102, 0x00100000));
        assertEquals("27 02 01 00 00 00 00 00 00 10 00", hex(java.util.Arrays.copyOf(h, 11)));
        int crc = Crc16.compute(h, 0, 11);
        assertEquals(crc & 0xff, h[11] & 0xff);
        assertEquals(crc >> 8, h[12] & 0xff);
        h[12] ^= 1;
        assertThrows(HdlcException.class, () -> QdlCodec.decode(h));
    }

    @Test
    void errorCodesHaveNames() throws HdlcException {
        var e = (QdlMessage.Error) QdlCodec.decode(bytes("0D 0F 00 00 00 00"));
        assertEquals("command out of sequence (0x0F)", e.describe());
        assertEquals(QdlError.BAD_CRC, QdlError.of(0x17));
        assertEquals(QdlError.IMAGE_AUTH_FAILED, QdlError.of(0x1A));
        assertEquals(27, QdlError.values().length);
        assertEquals("unknown error 0x42", QdlError.describe(0x42));
    }

    @Test
    void shortAndUnknownPayloads() {
        assertThrows(HdlcException.class, () -> QdlCodec.decode(new byte[0]));
        assertThrows(HdlcException.class, () -> QdlCodec.decode(bytes("0D 0F")));
        assertThrows(HdlcException.class, () -> QdlCodec.decode(bytes("28 01")));
        assertThrows(HdlcException.class, () -> QdlCodec.decode(bytes("26 00")));
        assertThrows(HdlcException.class, () -> QdlCodec.decode(bytes("2A 00 00 00 00 00 00")));
        assertThrows(HdlcException.class, () -> QdlCodec.decode(bytes("25 80")));
        assertThrows(HdlcException.class, () -> QdlCodec.decode(bytes("99")));
        assertThrows(HdlcException.class, () -> QdlCodec.decode(bytes("29 00")));
    }

    @Test
    void diagEchoDecodes() throws HdlcException {
        assertInstanceOf(DiagBadCommand.class, QdlCodec.decode(bytes("13 70 00 00")));
    }
}
