package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failures;
import io.modemflash.updater.api.Output;
import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.qdl.NotInDownloadModeException;
import io.modemflash.qdl.firehose.FirehoseNakException;
import io.modemflash.qdl.hdlc.HdlcException;
import io.modemflash.qdl.link.DeviceBusyException;
import io.modemflash.qdl.link.DeviceGoneException;
import io.modemflash.qdl.link.LinkTimeoutException;
import io.modemflash.qdl.link.NoMatchingDeviceException;
import io.modemflash.qdl.sahara.SaharaLengthException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** `decode hdlc|sahara|firehose` through the real CLI entry point, plus the qdl exit codes. */
class DecodeHdlcCommandTest {

    record Run(int code, String out, String err) {
        List<JsonNode> events() throws IOException {
            List<JsonNode> list = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    list.add(Output.mapper().readTree(line));
                }
            }
            return list;
        }
    }

    static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void hdlcGoldenFrames() {
        Run r = run("decode", "hdlc", "7E 70 00 00 14 46 7E", "7E 02 6A D3 7E");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("DloadSdp"), r.out());
        assertTrue(r.out().contains("DloadAck"), r.out());
    }

    @Test
    void hdlcBadCrcIsAProtocolFailure() throws IOException {
        Run r = run("decode", "hdlc", "--json", "7E 02 6A D4 7E");
        assertEquals(ExitCode.PROTOCOL.code, r.code());
        List<JsonNode> ev = r.events();
        assertTrue(ev.get(0).get("error").asText().contains("bad CRC"), r.out());
        assertEquals("result", ev.get(ev.size() - 1).get("event").asText());
        assertFalse(ev.get(ev.size() - 1).get("ok").asBoolean());
    }

    @Test
    void hdlcErrorCodeIsNamedInJson() throws IOException {
        Run r = run("decode", "hdlc", "--json", "0D 0F 00 00 00 00");
        assertEquals(0, r.code(), r.err());
        JsonNode first = r.events().get(0);
        assertEquals("hdlc", first.get("event").asText());
        assertEquals("command out of sequence (0x0F)", first.get("fields").get("error_name").asText());
    }

    @Test
    void saharaHelloAndAuthFailure() {
        Run r = run("decode", "sahara", "01000000 30000000 02000000 01000000 00040000 00000000",
                "00000000 00000000 00000000 00000000 00000000 00000000", "04000000 10000000 0D000000 21000000");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("HELLO"), r.out());
        assertTrue(r.out().contains("hash table auth failure (0x21)"), r.out());
    }

    @Test
    void saharaWrongLengthExits6() {
        Run r = run("decode", "sahara", "05000000 0C000000 00000000");
        assertEquals(ExitCode.PROTOCOL.code, r.code());
        assertTrue(r.out().contains("must be 8 bytes"), r.out());
    }

    @Test
    void firehoseFromHexAndFromText() {
        String xml = "<?xml version=\"1.0\" ?><data><response value=\"NAK\" MaxPayloadSizeToTargetInBytes=\"8192\" /></data>";
        StringBuilder hex = new StringBuilder();
        for (byte b : xml.getBytes(StandardCharsets.UTF_8)) {
            hex.append(String.format("%02X", b));
        }
        Run fromHex = run("decode", "firehose", hex.toString());
        assertEquals(0, fromHex.code(), fromHex.err());
        assertTrue(fromHex.out().contains("response"), fromHex.out());
        assertTrue(fromHex.out().contains("MaxPayloadSizeToTargetInBytes=8192"), fromHex.out());
        Run fromText = run("decode", "firehose", xml);
        assertEquals(fromHex.out(), fromText.out());
    }

    @Test
    void badHexIsAUsageError() {
        assertEquals(ExitCode.USAGE.code, run("decode", "sahara", "zz").code());
    }

    @Test
    void qdlExceptionsMapToExitCodes() {
        assertEquals(ExitCode.PROTOCOL, Failures.classify(new HdlcException("x")));
        assertEquals(ExitCode.PROTOCOL, Failures.classify(new SaharaLengthException("x")));
        assertEquals(ExitCode.PROTOCOL, Failures.classify(new FirehoseNakException("program", "r", List.of())));
        assertEquals(ExitCode.DEVICE_NOT_FOUND, Failures.classify(new NotInDownloadModeException("x")));
        assertEquals(ExitCode.DEVICE_NOT_FOUND, Failures.classify(new NoMatchingDeviceException("x")));
        assertEquals(ExitCode.TIMEOUT, Failures.classify(new LinkTimeoutException("x")));
        assertEquals(ExitCode.DEVICE_GONE, Failures.classify(new DeviceGoneException("x")));
        assertEquals(ExitCode.DEVICE_BUSY, Failures.classify(new DeviceBusyException("x")));
    }
}
