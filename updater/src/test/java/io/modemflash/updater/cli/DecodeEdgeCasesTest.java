package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * `decode` says what it found when the bytes hold no message, takes hex that starts with '-',
 * and bounds what it reads (issue 14 items 7 and 8).
 */
class DecodeEdgeCasesTest {
    @TempDir
    Path dir;

    @Test
    void emptyHdlcFramesAreNamed() throws Exception {
        CliRun r = CliRun.of("decode", "hdlc", "7E");
        assertEquals(ExitCode.PROTOCOL.code, r.code());
        assertTrue(r.out().contains("a lone flag (7E): no frame"), r.out());
        r = CliRun.of("decode", "hdlc", "7E7E");
        assertEquals(ExitCode.PROTOCOL.code, r.code());
        assertTrue(r.out().contains("only flags (7E): empty frames"), r.out());
        r = CliRun.of("decode", "hdlc", "--json", "7E 7E");
        assertEquals("only flags (7E): empty frames, nothing between them", r.events().get(0).path("error").asText());
    }

    @Test
    void aFirehoseDocumentWithoutElementsIsNamed() throws Exception {
        CliRun r = CliRun.of("decode", "firehose", "<?xml version=\"1.0\"?><data></data>");
        assertEquals(ExitCode.PROTOCOL.code, r.code());
        assertTrue(r.out().contains("a document without elements (no log, no response, no command)"), r.out());
    }

    @Test
    void hexStartingWithADashIsHexNotAnOption() throws Exception {
        CliRun r = CliRun.of("decode", "qmi", "01-0c", "-00-00");
        assertEquals(ExitCode.PROTOCOL.code, r.code(), r.err()); // was 2: "Unknown option: '-00-00'"
        assertTrue(r.out().contains("incomplete QMUX frame: have 4 of 13 bytes"), r.out());
        r = CliRun.of("decode", "qmi", "--json", "01-0C", "-00-00-02-01-00-02-00-FF-FF-00-00");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.last().path("frames").asInt());
        // options the command defines still work, and other dashes are bad hex, not crashes
        assertEquals(0, CliRun.of("decode", "sahara", "--help").code());
        r = CliRun.of("decode", "sahara", "-x1");
        assertEquals(ExitCode.USAGE.code, r.code());
        assertTrue(r.err().contains("bad hex"), r.err());
    }

    @Test
    void inputIsBoundedBeforeItIsReadWhole() throws Exception {
        InputStream endless = new InputStream() { // as `yes 00 | modemflash decode qmi -` would be
            long given;

            @Override
            public int read() {
                given++;
                return given % 3 == 0 ? ' ' : '0';
            }
        };
        Failure f = assertThrows(Failure.class, () -> DecodeInput.text(List.of("-"), endless, 1000));
        assertEquals(ExitCode.USAGE, f.exitCode());
        assertTrue(f.getMessage().contains("more than 1000 characters"), f.getMessage());
        assertEquals("7E 02", DecodeInput.text(List.of("-"),
                new ByteArrayInputStream("7E 02".getBytes(StandardCharsets.UTF_8)), 1000));
    }

    /**
     * The largest input decode accepts, in its most expensive shape (13-byte QMI frames, each
     * described), decodes in a 64 MiB heap: memory is bounded by the input bound.
     */
    @Test
    void theLargestAcceptedCaptureDecodesInA64MiBHeap() throws Exception {
        String frame = "010C0000020100020" + "0FFFF0000";
        Path in = Files.writeString(dir.resolve("frames.hex"), frame.repeat(DecodeInput.MAX_CHARS / frame.length()));
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "decode", "qmi", "-")
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile())
                .start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "decode did not finish");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("err.txt")));
        try (var lines = Files.lines(out)) {
            assertEquals(DecodeInput.MAX_CHARS / frame.length(), lines.filter(l -> l.startsWith("frame at ")).count());
        }
    }
}
