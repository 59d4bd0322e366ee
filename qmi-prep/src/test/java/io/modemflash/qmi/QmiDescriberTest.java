package io.modemflash.qmi;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class QmiDescriberTest {

    @Test
    void describesTypedResponse() {
        List<QmiDescriber.Entry> e = QmiDescriber.describe(Hex.parse(
                "01 1E 00 80 02 05 02 01 00 22 00 12 00 02 04 00 00 00 00 00 01 08 00 45 4D 31 32 2D 41 57 09"));
        assertEquals(1, e.size());
        QmiDescriber.Described d = assertInstanceOf(QmiDescriber.Described.class, e.get(0));
        assertEquals("DMS Get Model", d.messageName());
        assertEquals("success", d.result());
        assertEquals(Map.of("model", "EM12-AW"), d.fields());
        Map<String, Object> m = d.toMap();
        assertEquals("0x0022", m.get("message_id"));
        assertEquals("modem-to-host", m.get("direction"));
        assertEquals(5, m.get("client_id"));
        String text = QmiDescriber.render(e);
        assertTrue(text.contains("model: EM12-AW"), text);
        assertTrue(text.contains("TLV 0x01 (8 bytes): 45 4D 31 32 2D 41 57 09"), text);
    }

    @Test
    void failedResponseShowsErrorNameAndNoDecodeError() {
        // Get Model failing with MissingArgument: no 0x01 TLV, and that is not a decode error.
        QmiDescriber.Described d = (QmiDescriber.Described) QmiDescriber.describe(
                Hex.parse("01 13 00 80 02 01 02 02 00 22 00 07 00 02 04 00 01 00 11 00")).get(0);
        assertEquals("failure: MissingArgument (0x0011)", d.result());
        assertNull(d.decodeError());
    }

    @Test
    void successResponseMissingMandatoryTlvIsADecodeError() {
        QmiDescriber.Described d = (QmiDescriber.Described) QmiDescriber.describe(
                Hex.parse("01 13 00 80 02 01 02 02 00 22 00 07 00 02 04 00 00 00 00 00")).get(0);
        assertEquals("DMS Get Model response: mandatory TLV 0x01 missing", d.decodeError());
    }

    @Test
    void streamWithNoiseInvalidAndCutFrames() {
        byte[] in = Hex.parse("0D 0A"
                + " 01 0C 00 00 02 01 00 02 00 FF FF 00 00"          // ok
                + " 01 0E 00 80 02 01 02 01 00 22 00 02 00 01 05"     // truncated TLV header inside
                + " 01 26 00 80 03");                                 // cut
        List<QmiDescriber.Entry> e = QmiDescriber.describe(in);
        assertEquals(4, e.size());
        assertInstanceOf(QmiDescriber.Garbage.class, e.get(0));
        assertEquals(2, e.get(1).offset());
        assertInstanceOf(QmiDescriber.Described.class, e.get(1));
        QmiDescriber.Invalid inv = assertInstanceOf(QmiDescriber.Invalid.class, e.get(2));
        assertTrue(inv.error().contains("truncated TLV header"), inv.error());
        QmiDescriber.Incomplete cut = assertInstanceOf(QmiDescriber.Incomplete.class, e.get(3));
        assertEquals("incomplete QMUX frame: have 5 of 39 bytes", cut.error());
    }

    @Test
    void hostileBytesNeverThrow() {
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[r.nextInt(64)];
            r.nextBytes(b);
            if (b.length > 3) {
                b[0] = 1;
                b[1] = (byte) (b.length - 1);
                b[2] = 0;
                b[3] = (byte) (r.nextBoolean() ? 0x80 : 0);
            }
            List<QmiDescriber.Entry> e = QmiDescriber.describe(b);
            QmiDescriber.render(e);
            e.forEach(QmiDescriber.Entry::toMap);
        }
    }

    @Test
    void frameWithInconsistentLengthsSaysWhy() {
        List<QmiDescriber.Entry> e = QmiDescriber.describe(Hex.parse("01 0D 00 00 02 01 00 02 00 FF FF 00 00"));
        QmiDescriber.Invalid inv = assertInstanceOf(QmiDescriber.Invalid.class, e.get(0));
        assertEquals("not a consistent QMUX frame: QMUX length field says 14 bytes, frame has 13", inv.error());
    }
}
