package io.modemflash.qdl;

import io.modemflash.qdl.firehose.FirehoseDescriber;
import io.modemflash.qdl.hdlc.HdlcDescriber;
import io.modemflash.qdl.sahara.SaharaCodec;
import io.modemflash.qdl.sahara.SaharaDescriber;
import io.modemflash.qdl.sahara.SaharaPacket;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.modemflash.qdl.testutil.Hex.bytes;
import static org.junit.jupiter.api.Assertions.*;

class DescriberTest {

    @Test
    void hdlcGoldenFramesInOneCapture() {
        List<Decoded> d = HdlcDescriber.describe(bytes("7E 70 00 00 14 46 7E 7E 02 6A D3 7E 7E 29 BB 4C 7E 7E 2D 9F 0A 7E"));
        assertEquals(List.of("DloadSdp", "DloadAck", "CloseUnframed", "Reset"), d.stream().map(Decoded::name).toList());
        assertEquals(8, d.get(1).offset());
    }

    @Test
    void hdlcErrorsAndBarePayloads() {
        var bad = HdlcDescriber.describe(bytes("7E 02 6A D4 7E"));
        assertTrue(bad.get(0).isError());
        assertTrue(bad.get(0).error().contains("bad CRC"), bad.get(0).error());
        var err = HdlcDescriber.describe(bytes("0D 0F 00 00 00 00"));
        assertEquals("command out of sequence (0x0F)", err.get(0).fields().get("error_name"));
        assertEquals(15L, err.get(0).fields().get("code"));
        var diag = HdlcDescriber.describe(bytes("13 70 00 00"));
        assertTrue(diag.get(0).render().contains("not in download mode"));
        assertTrue(HdlcDescriber.describe(bytes("7E 02 6A D3")).get(0).isError(), "unterminated frame");
    }

    @Test
    void saharaPacketsBackToBack() {
        byte[] a = SaharaCodec.encode(new SaharaPacket.Hello(2, 1, 0x400, 3));
        byte[] b = SaharaCodec.encode(new SaharaPacket.EndOfImageTx(13, 0x21));
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        List<Decoded> d = SaharaDescriber.describe(both);
        assertEquals(2, d.size());
        assertEquals("HELLO", d.get(0).name());
        assertEquals("command", d.get(0).fields().get("mode_name"));
        assertEquals(1024L, d.get(0).fields().get("max_command_packet_length"));
        assertEquals("hash table auth failure (0x21)", d.get(1).fields().get("status_name"));
        assertEquals(48, d.get(1).offset());
    }

    @Test
    void saharaShortAndWrongLength() {
        assertTrue(SaharaDescriber.describe(bytes("01 00 00")).get(0).error().contains("incomplete"));
        var wrong = SaharaDescriber.describe(bytes("05000000 0C000000 00000000"));
        assertTrue(wrong.get(0).error().contains("must be 8 bytes"), wrong.get(0).error());
        var cut = SaharaDescriber.describe(bytes("01000000 30000000 02000000"));
        assertTrue(cut.get(0).error().contains("12 bytes of 48"), cut.get(0).error());
    }

    @Test
    void firehoseDocuments() {
        byte[] in = ("<?xml version=\"1.0\" ?><data><log value=\"INFO: hi\"/></data>"
                + "<?xml version=\"1.0\" ?><data><response value=\"ACK\" rawmode=\"true\"/></data>")
                .getBytes(StandardCharsets.UTF_8);
        List<Decoded> d = FirehoseDescriber.describe(in);
        assertEquals(List.of("log", "response"), d.stream().map(Decoded::name).toList());
        assertEquals("raw data follows", d.get(1).fields().get("meaning"));
        assertTrue(FirehoseDescriber.describe("<data><log value=\"x\"/>".getBytes(StandardCharsets.UTF_8))
                .get(0).isError());
        assertTrue(FirehoseDescriber.describe("<!DOCTYPE x><data></data>".getBytes(StandardCharsets.UTF_8))
                .get(0).isError());
    }

    @Test
    void renderAndJsonShape() {
        Decoded d = HdlcDescriber.describe(bytes("7E 2D 9F 0A 7E")).get(0);
        assertEquals("@1 [3 bytes] Reset", d.render(), "offsets of the frame content between the flags");
        assertEquals("Reset", d.toMap().get("message"));
    }
}
