package io.modemflash.qmi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class QmiMessageTest {

    @Test
    void encodesDmsRequestWith16BitTid() {
        QmiMessage m = QmiMessage.request(QmiService.DMS, 1, 0x0102, 0x0025, List.of());
        assertArrayEquals(Hex.parse("01 0C 00 00 02 01 00 02 01 25 00 00 00"), m.encode());
    }

    @Test
    void encodesCtlRequestWith8BitTid() {
        QmiMessage m = QmiMessage.request(QmiService.CTL, 0, 7, 0x0022, List.of(TlvWriter.ofU8(1, 2)));
        assertArrayEquals(Hex.parse("01 0F 00 00 00 00 00 07 22 00 04 00 01 01 00 02"), m.encode());
    }

    @Test
    void ctlTidAbove255IsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> QmiMessage.request(QmiService.CTL, 0, 256, 0x22, List.of()));
    }

    @Test
    void roundTripsIndicationFromModem() throws Exception {
        QmiMessage m = QmiMessage.indication(QmiService.DMS, 0xFF, 0, 0x0001,
                List.of(new Tlv(0x10, new byte[] {1, 2, 3})));
        byte[] b = m.encode();
        assertEquals(0x80, b[3] & 0xFF);
        assertEquals(0x04, b[6] & 0xFF);
        assertEquals(m, QmiMessage.decode(b));
    }

    @Test
    void ctlResponseFlagIs01AndServiceResponseFlagIs02() {
        assertEquals(0x01, QmiMessage.response(0, 0, 1, 0x27, List.of()).encode()[6]);
        assertEquals(0x02, QmiMessage.response(2, 1, 1, 0x22, List.of()).encode()[6]);
    }

    @Test
    void rejectsWrongMarker() {
        QmiFormatException e = assertThrows(QmiFormatException.class,
                () -> QmiMessage.decode(Hex.parse("02 0C 00 00 02 01 00 02 00 FF FF 00 00")));
        assertTrue(e.getMessage().contains("first byte 0x02"), e.getMessage());
    }

    @Test
    void rejectsLengthMismatch() {
        QmiFormatException e = assertThrows(QmiFormatException.class,
                () -> QmiMessage.decode(Hex.parse("01 0D 00 00 02 01 00 02 00 FF FF 00 00")));
        assertTrue(e.getMessage().contains("length field says 14"), e.getMessage());
    }

    @Test
    void rejectsTlvClaimingMoreThanTheMessageHolds() {
        // TLV 0x01 says 5 bytes, only 2 present; block length consistent with frame.
        byte[] f = Hex.parse("01 11 00 80 02 01 02 01 00 22 00 05 00 01 05 00 41 42");
        QmiFormatException e = assertThrows(QmiFormatException.class, () -> QmiMessage.decode(f));
        assertTrue(e.getMessage().contains("TLV 0x01 claims 5"), e.getMessage());
    }

    @Test
    void rejectsTruncatedTlvHeader() {
        byte[] f = Hex.parse("01 0E 00 80 02 01 02 01 00 22 00 02 00 01 05");
        QmiFormatException e = assertThrows(QmiFormatException.class, () -> QmiMessage.decode(f));
        assertTrue(e.getMessage().contains("truncated TLV header"), e.getMessage());
    }

    @Test
    void rejectsUnknownSduFlags() {
        QmiFormatException e = assertThrows(QmiFormatException.class,
                () -> QmiMessage.decode(Hex.parse("01 0C 00 80 02 01 01 02 00 FF FF 00 00")));
        assertTrue(e.getMessage().contains("unknown QMI SDU flags 0x01 for service DMS"), e.getMessage());
    }

    @Test
    void everyPrefixOfAValidFrameIsAFormatErrorNotAnIndexError() {
        byte[] f = Hex.parse("01 1E 00 80 02 05 02 01 00 22 00 12 00 02 04 00 00 00 00 00 01 08 00 45 4D 31 32 2D 41 57 09");
        for (int n = 0; n < f.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(f, n);
            assertThrows(QmiFormatException.class, () -> QmiMessage.decode(cut), "prefix " + n);
        }
    }

    @Test
    void checkResultThrowsWithProtocolErrorName() throws Exception {
        QmiMessage rsp = QmiMessage.decode(Hex.parse("01 13 00 80 02 01 02 02 00 48 00 07 00 02 04 00 01 00 30 00"));
        QmiErrorResponseException e = assertThrows(QmiErrorResponseException.class, rsp::checkResult);
        assertEquals(QmiProtocolError.INVALID_ARGUMENT, e.error().orElseThrow());
        assertEquals("DMS Set Firmware Preference failed: InvalidArgument (0x0030)", e.getMessage());
    }

    @Test
    void missingResultTlvIsMalformed() throws Exception {
        QmiMessage rsp = QmiMessage.response(2, 1, 1, 0x22, List.of());
        QmiFormatException e = assertThrows(QmiFormatException.class, rsp::checkResult);
        assertTrue(e.getMessage().contains("no result TLV"), e.getMessage());
    }

    @Test
    void respondCopiesAddressingAndPutsResultFirst() {
        QmiMessage req = QmiMessage.request(2, 3, 0x1234, 0x23, List.of());
        QmiMessage rsp = req.respond(QmiResult.SUCCESS, List.of(TlvWriter.ofString(1, "x")));
        assertEquals(2, rsp.service());
        assertEquals(3, rsp.clientId());
        assertEquals(0x1234, rsp.transactionId());
        assertEquals(MessageKind.RESPONSE, rsp.kind());
        assertTrue(rsp.fromModem());
        assertEquals(QmiResult.TLV_TYPE, rsp.tlvs().get(0).type());
    }
}
