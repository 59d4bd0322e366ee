package io.modemflash.qmi;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class QmiProtocolErrorTest {

    @Test
    void numbersMatchLibqmi() {
        assertEquals(0x0001, QmiProtocolError.MALFORMED_MESSAGE.code());
        assertEquals(0x0003, QmiProtocolError.INTERNAL.code());
        assertEquals(0x0005, QmiProtocolError.CLIENT_IDS_EXHAUSTED.code());
        assertEquals(0x0011, QmiProtocolError.MISSING_ARGUMENT.code());
        assertEquals(0x0019, QmiProtocolError.DEVICE_UNSUPPORTED.code());
        assertEquals(0x0030, QmiProtocolError.INVALID_ARGUMENT.code());
        assertEquals(0x005E, QmiProtocolError.NOT_SUPPORTED.code());
        assertEquals(402, QmiProtocolError.FW_UPDATE_FAILED.code());
        assertEquals(0xF005, QmiProtocolError.CAT_ENVELOPE_COMMAND_FAILED.code());
    }

    @Test
    void nicksAreLibqmiStyle() {
        assertEquals("ClientIdsExhausted", QmiProtocolError.CLIENT_IDS_EXHAUSTED.nick());
        assertEquals("WmsTPduType", QmiProtocolError.WMS_T_PDU_TYPE.nick());
        assertEquals("MissingArgument (0x0011)", QmiProtocolError.describe(0x11));
        assertEquals("unknown QMI error 0x0012", QmiProtocolError.describe(0x12));
    }

    @Test
    void codesAreUniqueAndLookupIsTotal() {
        Set<Integer> seen = new HashSet<>();
        for (QmiProtocolError e : QmiProtocolError.values()) {
            assertTrue(seen.add(e.code()), "duplicate " + e);
            assertEquals(e, QmiProtocolError.fromCode(e.code()).orElseThrow());
        }
        assertTrue(QmiProtocolError.fromCode(18).isEmpty(), "18 is reserved");
    }
}
