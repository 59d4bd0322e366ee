package io.modemflash.vectors.hdlc;

import io.modemflash.qdl.hdlc.Hdlc;
import io.modemflash.qdl.hdlc.QdlCodec;
import io.modemflash.qdl.hdlc.QdlMessage;
import io.modemflash.qmi.Hex;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** PROTOCOLS.md section 7, HDLC part: each payload frames to the listed bytes and decodes back, through qdl's codecs. */
class HdlcGoldenVectorsTest {

    record Vector(byte[] payload, byte[] wire) {
    }

    /** Line 1 payload, line 2 wire bytes; comments and blank lines skipped. */
    static Vector vector(String name) throws IOException {
        try (InputStream in = HdlcGoldenVectorsTest.class.getResourceAsStream("/vectors/hdlc/" + name + ".hex")) {
            assertNotNull(in, "missing vector " + name);
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .map(l -> l.contains("#") ? l.substring(0, l.indexOf('#')) : l)
                    .filter(l -> !l.isBlank()).toList();
            assertEquals(2, lines.size(), name + ": payload line and wire line");
            return new Vector(Hex.parse(lines.get(0)), Hex.parse(lines.get(1)));
        }
    }

    @ParameterizedTest
    @CsvSource({"dload-sdp, DloadSdp", "reset, Reset", "close-unframed, CloseUnframed", "ack, DloadAck"})
    void framesAndDecodesAsListed(String name, String message) throws Exception {
        Vector v = vector(name);
        assertArrayEquals(v.wire(), Hdlc.frame(v.payload()), name + " frames to the listed bytes");
        assertArrayEquals(v.payload(), Hdlc.unframe(v.wire()), name + " unframes to its payload");
        QdlMessage m = QdlCodec.decode(Hdlc.unframe(v.wire()));
        assertEquals(message, m.getClass().getSimpleName());
        assertArrayEquals(v.wire(), QdlCodec.toWire(m), name + " re-encodes exactly");
    }
}
