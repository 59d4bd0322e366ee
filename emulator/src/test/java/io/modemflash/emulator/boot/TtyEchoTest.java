package io.modemflash.emulator.boot;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.qdl.link.ForwardingLink;
import io.modemflash.qdl.link.InMemoryLink;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.sahara.SaharaCodec;
import io.modemflash.qdl.sahara.SaharaPacket;
import io.modemflash.qmi.Hex;
import io.modemflash.vectors.samples.ExpectedStorage;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A host that opens the boot tty before making it raw: the line discipline echoes the start of
 * what the device sends back to it (issue 12: "5e 41 5e 40 ...", up to 12 bytes, before
 * HELLO_RESP). The device notices it, says so on stderr and keeps it from the protocol; a
 * strict personality (fault strict-echo) answers it with an error, as a strict boot ROM would.
 */
class TtyEchoTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final byte[] HELLO = SaharaCodec.encode(new SaharaPacket.Hello(2, 1, 0x400, 0));
    @TempDir
    static Path samples;
    static Path edl;
    static Path spk;

    @BeforeAll
    static void writeSamples() throws Exception {
        edl = SamplePackages.edl(samples);
        spk = SamplePackages.mc7455(samples);
    }

    @Test
    void theCaretEchoOfAHelloIsRecognisedAcrossReadsAndAPokeIsNot() {
        TtyEcho e = new TtyEcho();
        e.deviceWrote(HELLO, 0, HELLO.length);
        byte[] caret = Hex.parse("5e 41 5e 40 5e 40 5e 40 30 5e 40 5e 40 5e 40");
        assertEquals(8, e.echoPrefix(caret, 0, 8));
        assertEquals(4, e.echoPrefix(caret, 8, 4), "an echo that began goes on");
        // what follows the echo in the same read is the host's own
        byte[] mixed = Hex.parse("40 5e 40 02 00 00 00 30 00 00 00");
        assertEquals(3, e.echoPrefix(mixed, 0, mixed.length));

        TtyEcho poke = new TtyEcho();
        poke.deviceWrote(HELLO, 0, HELLO.length);
        assertEquals(0, poke.echoPrefix(new byte[] {0x01}, 0, 1), "one byte is a poke, not an echo");
        assertEquals(0, poke.echoPrefix(Hex.parse("02 00 00 00 30 00"), 0, 6), "a HELLO_RESP is no echo");
        assertEquals(6, poke.echoPrefix(Hex.parse("01 00 00 00 30 00"), 0, 6), "a verbatim echo (no ECHOCTL)");
    }

    /** What n_tty does to the first {@code limit} bytes the device sends: echoes them back in caret notation. */
    static final class EchoingTty extends ForwardingLink {
        private int left;
        private final boolean perCharacter;

        EchoingTty(Link inner, int limit) {
            this(inner, limit, false);
        }

        /** perCharacter: each echoed byte its own write, as usb_wwan sends n_tty's echo over USB. */
        EchoingTty(Link inner, int limit, boolean perCharacter) {
            super(inner);
            this.left = limit;
            this.perCharacter = perCharacter;
        }

        @Override
        public int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
            int n = super.read(buf, off, len, timeoutMillis);
            if (n > 0 && left > 0) {
                ByteArrayOutputStream echo = new ByteArrayOutputStream();
                for (int i = off; i < off + n && echo.size() < left; i++) {
                    TtyEcho.caretEcho(buf[i] & 0xff, echo);
                }
                byte[] e = java.util.Arrays.copyOf(echo.toByteArray(), Math.min(left, echo.size()));
                left -= e.length;
                if (perCharacter) {
                    for (int i = 0; i < e.length; i++) {
                        super.write(e, i, 1);
                    }
                } else {
                    super.write(e, 0, e.length);
                }
            }
            return n;
        }
    }

    private static String stderrOf(ThrowingRunnable r) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return err.toString();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aTolerantDeviceReportsTheEchoAndTheDownloadCompletes(@TempDir Path flash) throws Exception {
        String err = stderrOf(() -> {
            try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, flash)) {
                modem.boot().inProcessLink(InMemoryLink.Options.TTY);
                modem.boot().enterDownloadMode();
                EdlFlashTest.flash(new EchoingTty(modem.awaitDownloadMode(WAIT), 12), edl);
                assertTrue(modem.awaitApplicationMode(WAIT));
            }
        });
        assertTrue(err.contains("the host echoed the device's own output back (5e 41 5e 40 5e 40 5e 40"), err);
        assertTrue(err.contains("ignored"), err);
        for (var x : ExpectedStorage.forSample(edl).entrySet()) {
            assertArrayEquals(x.getValue(), Files.readAllBytes(flash.resolve("lun" + x.getKey() + ".img")));
        }
    }

    @Test
    void aStrictDeviceAnswersTheEchoWithASaharaError() throws Exception {
        String err = stderrOf(() -> {
            try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.parse("strict-echo"))) {
                modem.boot().inProcessLink(InMemoryLink.Options.TTY);
                modem.boot().enterDownloadMode();
                IOException e = assertThrows(IOException.class,
                        () -> EdlFlashTest.flash(new EchoingTty(modem.awaitDownloadMode(WAIT), 12), edl));
                assertTrue(e.getMessage().toLowerCase().contains("invalid command"), e.getMessage());
            }
        });
        assertTrue(err.contains("answered with an error, as a strict boot ROM does"), err);
    }

    @Test
    void aStrictSierraQdlTargetAnswersTheEchoWithAnHdlcError() throws Exception {
        String err = stderrOf(() -> {
            try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.parse("strict-echo"))) {
                modem.boot().inProcessLink(InMemoryLink.Options.TTY);
                modem.boot().enterDownloadMode();
                // the error answer to the echo arrives where the host waits for its hello answer: it is lost
                assertThrows(io.modemflash.qdl.hdlc.QdlDeviceException.class,
                        () -> SierraFlashTest.flashQdl(new EchoingTty(modem.awaitDownloadMode(WAIT), 12), spk));
            }
        });
        assertTrue(err.contains("the host echoed the device's own output back (7e 0d 0a 5e 56"), err);
        assertTrue(err.contains("answered with an error, as a strict boot ROM does"), err);
    }

    @Test
    void aTolerantSierraQdlTargetIgnoresTheEcho(@TempDir Path flash) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, flash)) {
            modem.boot().inProcessLink(InMemoryLink.Options.TTY);
            modem.boot().enterDownloadMode();
            SierraFlashTest.flashQdl(new EchoingTty(modem.awaitDownloadMode(WAIT), 12), spk);
            assertTrue(modem.awaitApplicationMode(WAIT));
            assertArrayEquals(Files.readAllBytes(spk), Files.readAllBytes(modem.boot().images().images().get(0)));
        }
    }

    /** Over USB each echoed character is a transfer of its own: one byte alone must not pass for a poke. */
    @Test
    void anEchoArrivingOneCharacterPerTransferIsRecognised(@TempDir Path flash) throws Exception {
        String err = stderrOf(() -> {
            try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, flash)) {
                modem.boot().enterDownloadMode(); // the in-process USB model: one transfer per write
                EdlFlashTest.flash(new EchoingTty(modem.awaitDownloadMode(WAIT), 12, true), edl);
                assertTrue(modem.awaitApplicationMode(WAIT));
            }
        });
        assertTrue(err.contains("the host echoed the device's own output back (5e 41"), err);
        for (var x : ExpectedStorage.forSample(edl).entrySet()) {
            assertArrayEquals(x.getValue(), Files.readAllBytes(flash.resolve("lun" + x.getKey() + ".img")));
        }
    }
}
