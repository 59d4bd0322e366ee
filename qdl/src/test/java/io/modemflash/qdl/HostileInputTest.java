package io.modemflash.qdl;

import io.modemflash.qdl.firehose.DocumentSplitter;
import io.modemflash.qdl.firehose.FirehoseDescriber;
import io.modemflash.qdl.firehose.FirehoseXml;
import io.modemflash.qdl.hdlc.Hdlc;
import io.modemflash.qdl.hdlc.HdlcDescriber;
import io.modemflash.qdl.hdlc.QdlCodec;
import io.modemflash.qdl.sahara.SaharaCodec;
import io.modemflash.qdl.sahara.SaharaCommands;
import io.modemflash.qdl.sahara.SaharaDescriber;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random and mutated bytes through every decoder: each either decodes or throws the
 * protocol's own exception with a message, never an index or arithmetic exception.
 */
class HostileInputTest {
    private static final int ROUNDS = 5_000;

    interface Decoder {
        void decode(byte[] b) throws Exception;
    }

    private static void survive(String what, Decoder d, byte[] input) {
        try {
            d.decode(input);
        } catch (ProtocolException e) {
            assertNotNull(e.getMessage(), what);
            assertFalse(e.getMessage().isBlank(), what);
        } catch (Exception | Error e) {
            fail(what + " threw " + e + " for " + java.util.HexFormat.of().formatHex(input));
        }
    }

    private static byte[] random(Random r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return b;
    }

    /** Valid bytes with a few corrupted positions: reaches deeper than pure noise. */
    private static byte[] mutate(Random r, byte[] valid) {
        byte[] b = r.nextInt(4) == 0 ? java.util.Arrays.copyOf(valid, r.nextInt(valid.length + 8)) : valid.clone();
        for (int i = 0; i < 1 + r.nextInt(3) && b.length > 0; i++) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        return b;
    }

    @Test
    void qdlAndHdlc() {
        Random r = new Random(42);
        byte[][] seeds = {
                QdlCodec.encode(new io.modemflash.qdl.hdlc.QdlMessage.HelloRsp("QCOM high speed protocol tgt", 6, 4, 0, 0,
                        0, 0, 0, 0x30)),
                QdlCodec.encode(new io.modemflash.qdl.hdlc.QdlMessage.WriteUnframedHeader(1, 1 << 20)),
                QdlCodec.encode(new io.modemflash.qdl.hdlc.QdlMessage.OpenRsp(0, 1, 100)),
                new byte[] {0x0d, 0x0f, 0, 0, 0, 0}};
        for (int i = 0; i < ROUNDS; i++) {
            byte[] noise = random(r, 64);
            survive("QdlCodec.decode", QdlCodec::decode, noise);
            survive("Hdlc.unframe", Hdlc::unframe, noise);
            survive("HdlcDescriber", HdlcDescriber::describe, noise);
            byte[] m = mutate(r, seeds[r.nextInt(seeds.length)]);
            survive("QdlCodec.decode(mutated)", QdlCodec::decode, m);
            survive("Hdlc.unframe(mutated)", Hdlc::unframe, Hdlc.frame(m));
            survive("Hdlc.unframe(mutated frame)", Hdlc::unframe, mutate(r, Hdlc.frame(seeds[0])));
        }
    }

    @Test
    void sahara() {
        Random r = new Random(43);
        byte[][] seeds = {SaharaCodec.encode(new io.modemflash.qdl.sahara.SaharaPacket.Hello(2, 1, 0x400, 0)),
                SaharaCodec.encode(new io.modemflash.qdl.sahara.SaharaPacket.ReadData64(13, 0, 0x1000)),
                SaharaCodec.encode(new io.modemflash.qdl.sahara.SaharaPacket.EndOfImageTx(13, 0x21))};
        for (int i = 0; i < ROUNDS; i++) {
            byte[] noise = random(r, 80);
            survive("SaharaCodec.decode", SaharaCodec::decode, noise);
            survive("SaharaDescriber", SaharaDescriber::describe, noise);
            byte[] m = mutate(r, seeds[r.nextInt(seeds.length)]);
            survive("SaharaCodec.decode(mutated)", SaharaCodec::decode, m);
            survive("SaharaDescriber(mutated)", SaharaDescriber::describe, m);
            survive("hwId", SaharaCommands::hwId, noise);
            survive("chipIdV3", SaharaCommands::chipIdV3, noise);
            survive("serial", SaharaCommands::serial, noise);
            survive("regionTable32", b -> SaharaCommands.regionTable(b, false), random(r, 160));
            survive("regionTable64", b -> SaharaCommands.regionTable(b, true), random(r, 200));
            SaharaCommands.pkHash(noise); // never throws
        }
    }

    @Test
    void firehose() {
        Random r = new Random(44);
        String[] seeds = {"<?xml version=\"1.0\" ?><data><response value=\"ACK\" rawmode=\"true\" /></data>",
                "<data><log value=\"a&amp;b&#65;\"/></data>", "<data><!-- c --><x a='1' b=\"2\"></x></data>"};
        String alphabet = "<>/=\"'&#;!?-xa data log value ACK\n";
        for (int i = 0; i < ROUNDS; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(60);
            for (int k = 0; k < n; k++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String noise = sb.toString();
            survive("FirehoseXml.parse", b -> FirehoseXml.parse(new String(b, StandardCharsets.UTF_8)),
                    noise.getBytes(StandardCharsets.UTF_8));
            byte[] m = mutate(r, seeds[r.nextInt(seeds.length)].getBytes(StandardCharsets.UTF_8));
            survive("FirehoseXml.parse(mutated)", b -> FirehoseXml.parse(new String(b, StandardCharsets.UTF_8)), m);
            survive("FirehoseDescriber", FirehoseDescriber::describe, m);
            survive("DocumentSplitter", b -> {
                DocumentSplitter s = new DocumentSplitter(64);
                s.feed(b, 0, b.length);
                while (s.next() != null) {
                    // drain
                }
            }, random(r, 200));
        }
    }
}
