package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Output;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DecodeQmiCommandTest {
    static final String GET_MODEL_TAB =
            "01 1E 00 80 02 05 02 01 00 22 00 12 00 02 04 00 00 00 00 00 01 08 00 45 4D 31 32 2D 41 57 09";

    record Run(int code, String out, String err) {
        List<JsonNode> events() throws Exception {
            List<JsonNode> list = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    list.add(Output.mapper().readTree(line));
                }
            }
            return list;
        }
    }

    private static Run run(String stdin, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.US_ASCII)));
            code = Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void textShowsHeaderTlvsAndTypedFields() {
        Run r = run("", "decode", "qmi", GET_MODEL_TAB);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("service DMS (0x02), client 5"), r.out());
        assertTrue(r.out().contains("response, tid 1, message 0x0022 DMS Get Model"), r.out());
        assertTrue(r.out().contains("model: EM12-AW"), r.out());
    }

    @Test
    void acceptsColons0xAndSeveralArguments() {
        Run r = run("", "decode", "qmi", "0x01:0x0C:0x00", "00 02 01", "00 02 00 FF FF 00 00");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("request, tid 2, message 0xFFFF"), r.out());
    }

    @Test
    void jsonFromStdin() throws Exception {
        Run r = run(GET_MODEL_TAB + "\n" + GET_MODEL_TAB + "\n", "decode", "qmi", "--json", "-");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> ev = r.events();
        assertEquals(3, ev.size());
        assertEquals("qmi", ev.get(0).get("event").asText());
        assertEquals("0x0022", ev.get(0).get("message_id").asText());
        assertEquals("EM12-AW", ev.get(0).get("fields").get("model").asText());
        assertEquals(31, ev.get(1).get("offset").asInt());
        assertEquals("result", ev.get(2).get("event").asText());
        assertTrue(ev.get(2).get("ok").asBoolean());
        assertEquals(2, ev.get(2).get("frames").asInt());
    }

    @Test
    void malformedFrameExitsWithProtocolCode() {
        Run r = run("", "decode", "qmi", "01 0E 00 80 02 01 02 01 00 22 00 02 00 01 05");
        assertEquals(ExitCode.PROTOCOL.code, r.code());
        assertTrue(r.out().contains("truncated TLV header"), r.out());
    }

    @Test
    void badHexIsAUsageError() {
        Run r = run("", "decode", "qmi", "01 0g");
        assertEquals(ExitCode.USAGE.code, r.code());
        assertTrue(r.err().contains("bad hex"), r.err());
    }
}
