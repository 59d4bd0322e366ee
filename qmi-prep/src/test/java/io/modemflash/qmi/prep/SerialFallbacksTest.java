package io.modemflash.qmi.prep;

import io.modemflash.posix.PosixFd;
import io.modemflash.posix.Pty;
import io.modemflash.posix.Termios;
import io.modemflash.qmi.QmiTimeoutException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** AT!BOOTHOLD and the QCDM download switch against a scripted modem on a pty. */
class SerialFallbacksTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Reads one CR-terminated AT command from the modem side. */
    private static String readCommand(PosixFd master) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] one = new byte[1];
        while (master.read(one, 0, 1, 5000) == 1) {
            if (one[0] == '\r') {
                return b.toString(StandardCharsets.US_ASCII);
            }
            b.write(one[0]);
        }
        return null;
    }

    private static Pty pty() throws Exception {
        Pty p = Pty.open();
        Termios.makeRaw(p.master());
        return p;
    }

    /** A modem answering each AT command with the next reply; records the commands. */
    private static CompletableFuture<List<String>> atModem(Pty p, String... replies) {
        List<String> seen = new CopyOnWriteArrayList<>();
        return CompletableFuture.supplyAsync(() -> {
            try {
                for (String reply : replies) {
                    String cmd = readCommand(p.master());
                    if (cmd == null) {
                        break;
                    }
                    seen.add(cmd);
                    p.master().write(("\r\n" + reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                return seen;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void bootHoldWaitsForOk() throws Exception {
        try (Pty p = pty()) {
            var modem = atModem(p, "OK");
            SerialFallbacks.atBootHold(p.slavePath(), false, WAIT);
            assertEquals(List.of("AT!BOOTHOLD"), modem.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void oemPartsGetEnterCndFirst() throws Exception {
        try (Pty p = pty()) {
            var modem = atModem(p, "OK", "OK");
            SerialFallbacks.atBootHold(p.slavePath(), true, WAIT);
            assertEquals(List.of("AT!ENTERCND=\"A710\"", "AT!BOOTHOLD"), modem.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void errorSuggestsEnterCnd() throws Exception {
        try (Pty p = pty()) {
            atModem(p, "ERROR");
            NoDownloadMethodException e = assertThrows(NoDownloadMethodException.class,
                    () -> SerialFallbacks.atBootHold(p.slavePath(), false, WAIT));
            assertTrue(e.getMessage().contains("ENTERCND"), e.getMessage());
        }
    }

    @Test
    void silenceIsATimeout() throws Exception {
        try (Pty p = pty()) {
            assertThrows(QmiTimeoutException.class,
                    () -> SerialFallbacks.atBootHold(p.slavePath(), false, Duration.ofMillis(100)));
        }
    }

    private static CompletableFuture<byte[]> dmModem(Pty p, boolean echo) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                byte[] frame = new byte[7];
                int n = 0;
                while (n < frame.length) {
                    int r = p.master().read(frame, n, frame.length - n, 5000);
                    if (r <= 0) {
                        break;
                    }
                    n += r;
                }
                if (echo) {
                    p.master().write(frame);
                }
                return frame;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void qcdmDownloadIsSentFramedAndTheEchoAccepted() throws Exception {
        try (Pty p = pty()) {
            var modem = dmModem(p, true);
            SerialFallbacks.qcdmDownload(p.slavePath(), WAIT);
            assertArrayEquals(new byte[] {0x4b, 0x65, 0x01, 0x00, 0x54, 0x0f, 0x7e}, modem.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aDiagPortThatStaysSilentIsATimeout() throws Exception {
        try (Pty p = pty()) {
            dmModem(p, false);
            QmiTimeoutException e = assertThrows(QmiTimeoutException.class,
                    () -> SerialFallbacks.qcdmDownload(p.slavePath(), Duration.ofMillis(200)));
            assertTrue(e.getMessage().contains("DIAG"), e.getMessage());
        }
    }
}
