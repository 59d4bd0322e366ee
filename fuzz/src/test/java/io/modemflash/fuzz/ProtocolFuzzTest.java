package io.modemflash.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.modemflash.qdl.Decoded;
import io.modemflash.qdl.firehose.DocumentSplitter;
import io.modemflash.qdl.firehose.FirehoseDescriber;
import io.modemflash.qdl.firehose.FirehoseElement;
import io.modemflash.qdl.firehose.FirehoseXml;
import io.modemflash.qdl.firehose.FirehoseXmlException;
import io.modemflash.qdl.firehose.StorageInfo;
import io.modemflash.qdl.firehose.SupportedFunctions;
import io.modemflash.qdl.hdlc.Hdlc;
import io.modemflash.qdl.hdlc.HdlcDescriber;
import io.modemflash.qdl.hdlc.HdlcException;
import io.modemflash.qdl.hdlc.QdlCodec;
import io.modemflash.qdl.sahara.SaharaCodec;
import io.modemflash.qdl.sahara.SaharaDescriber;
import io.modemflash.qdl.sahara.SaharaPacketException;
import io.modemflash.qmi.QmiDescriber;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiMessageNames;
import io.modemflash.qmi.QmuxFramer;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz targets for the host-side codecs that parse what a device (or a pasted capture) sends:
 * QMUX/QMI with its TLVs, Sierra QDL over HDLC, Sahara, Firehose documents. The contract
 * under test: a codec either decodes or throws its own protocol exception (exit 6 in the
 * CLI), and the `decode` describers never throw at all; nothing else (no runtime exception,
 * no OutOfMemoryError, no hang). `mvn verify` replays the corpus in
 * src/test/resources/io/modemflash/fuzz/ProtocolFuzzTestInputs; bench/fuzz.sh fuzzes.
 */
class ProtocolFuzzTest {

    @FuzzTest
    void qmi(byte[] data) {
        byte[] body = Split.body(data);
        List<QmiDescriber.Entry> entries = QmiDescriber.describe(body);
        assertNotNull(QmiDescriber.render(entries));
        entries.forEach(e -> assertNotNull(e.toMap()));
        // the stream framer, fed in pieces, and the decoder of each frame it finds
        QmuxFramer framer = new QmuxFramer();
        for (byte[] piece : Split.pieces(data)) {
            for (QmuxFramer.Chunk c : framer.feed(piece)) {
                if (c instanceof QmuxFramer.Frame f) {
                    try {
                        QmiMessage m = QmiMessage.decode(f.bytes());
                        m.summary();
                        QmiMessageNames.decodePayload(m);
                    } catch (QmiFormatException expected) {
                        assertFalse(expected.getMessage().isBlank());
                    }
                }
            }
        }
    }

    @FuzzTest
    void hdlc(byte[] data) {
        byte[] body = Split.body(data);
        render(HdlcDescriber.describe(body));
        Hdlc.Deframer deframer = new Hdlc.Deframer(4096);
        for (byte[] piece : Split.pieces(data)) {
            List<byte[]> frames;
            try {
                frames = deframer.feed(piece, 0, piece.length);
            } catch (HdlcException expected) {
                continue;
            }
            for (byte[] frame : frames) {
                try {
                    QdlCodec.decode(Hdlc.unframe(frame));
                } catch (HdlcException expected) {
                    assertFalse(expected.getMessage().isBlank());
                }
            }
        }
    }

    @FuzzTest
    void sahara(byte[] data) {
        byte[] body = Split.body(data);
        render(SaharaDescriber.describe(body));
        // as a session cuts a tty stream: length from the header, then the packet
        int off = 0;
        while (off < body.length) {
            int len;
            try {
                len = SaharaCodec.packetLength(body, off, body.length - off);
                if (len < 0 || len > body.length - off) {
                    break;
                }
                SaharaCodec.decode(body, off, len);
            } catch (SaharaPacketException expected) {
                assertFalse(expected.getMessage().isBlank());
                break;
            }
            assertTrue(len >= SaharaCodec.HEADER, "a packet length below the header would loop");
            off += len;
        }
    }

    @FuzzTest
    void firehose(byte[] data) {
        byte[] body = Split.body(data);
        render(FirehoseDescriber.describe(body));
        DocumentSplitter splitter = new DocumentSplitter(64 * 1024);
        List<String> logs = new ArrayList<>();
        for (byte[] piece : Split.pieces(data)) {
            splitter.feed(piece, 0, piece.length);
            try {
                for (String doc; (doc = splitter.next()) != null; ) {
                    for (FirehoseElement e : FirehoseXml.parse(doc)) {
                        if (e.isLog()) {
                            logs.add(e.attributes().getOrDefault("value", ""));
                        }
                        e.rawMode();
                        e.isResponse();
                    }
                }
            } catch (FirehoseXmlException expected) {
                assertFalse(expected.getMessage().isBlank());
            }
        }
        // what sessions make of the logs they collected
        SupportedFunctions.parse(logs);
        StorageInfo.parse(logs);
    }

    private static void render(List<Decoded> entries) {
        for (Decoded d : entries) {
            assertNotNull(d.render());
            assertNotNull(d.toMap());
            assertEquals(d.isError(), d.error() != null);
        }
    }
}
