package io.modemflash.qmi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TlvReaderTest {

    @Test
    void readsLittleEndianIntegers() throws Exception {
        TlvReader r = new Tlv(1, Hex.parse("01 34 12 78 56 34 12")).reader();
        assertEquals(1, r.u8());
        assertEquals(0x1234, r.u16());
        assertEquals(0x12345678L, r.u32());
        assertFalse(r.hasRemaining());
    }

    @Test
    void overflowNamesTheTlv() {
        TlvReader r = new Tlv(0x47, Hex.parse("01 00")).reader();
        QmiFormatException e = assertThrows(QmiFormatException.class, () -> r.bytes(16));
        assertTrue(e.getMessage().startsWith("reading TLV 0x47 would overflow"), e.getMessage());
    }

    @Test
    void prefixedStringLongerThanTheTlvOverflows() {
        TlvReader r = new Tlv(0x01, Hex.parse("05 41 42")).reader();
        QmiFormatException e = assertThrows(QmiFormatException.class, r::string8);
        assertTrue(e.getMessage().startsWith("reading TLV 0x01 would overflow"), e.getMessage());
    }

    @Test
    void u32OnThreeBytesOverflows() {
        TlvReader r = new Tlv(0x10, new byte[3]).reader();
        assertThrows(QmiFormatException.class, r::u32);
    }

    @Test
    void stringsLoseTrailingNulAndTab() throws Exception {
        assertEquals("MC7455", new Tlv(1, Hex.parse("4D 43 37 34 35 35 00")).reader().rest());
        assertEquals("EM12-AW", new Tlv(1, Hex.parse("45 4D 31 32 2D 41 57 09")).reader().rest());
        assertEquals("ab", new Tlv(1, Hex.parse("03 61 62 00")).reader().string8());
        assertEquals("", new Tlv(1, new byte[0]).reader().rest());
    }

    @Test
    void writerAndReaderRoundTrip() throws Exception {
        Tlv t = new TlvWriter(0x22).u8(7).u16(0xBEEF).u32(0xCAFEBABEL).string8("build").rest("tail").build();
        TlvReader r = t.reader();
        assertEquals(7, r.u8());
        assertEquals(0xBEEF, r.u16());
        assertEquals(0xCAFEBABEL, r.u32());
        assertEquals("build", r.string8());
        assertEquals("tail", r.rest());
    }

    @Test
    void writerRejectsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new TlvWriter(1).u8(256));
        assertThrows(IllegalArgumentException.class, () -> new TlvWriter(1).string8("x".repeat(256)));
    }

    @Test
    void hexParserAcceptsTechnicianFormats() {
        assertArrayEquals(new byte[] {1, 0x0C, 0}, Hex.parse("0x01 0x0c 0x00"));
        assertArrayEquals(new byte[] {1, 0x0C, 0}, Hex.parse("01:0C:00"));
        assertArrayEquals(new byte[] {1, 0x0C, 0}, Hex.parse("010C00"));
        assertThrows(IllegalArgumentException.class, () -> Hex.parse("01 0"));
        assertThrows(IllegalArgumentException.class, () -> Hex.parse("01 zz"));
    }
}
