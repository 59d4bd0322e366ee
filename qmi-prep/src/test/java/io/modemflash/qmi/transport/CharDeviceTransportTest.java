package io.modemflash.qmi.transport;

import io.modemflash.posix.Errno;
import io.modemflash.posix.PosixException;
import io.modemflash.posix.Pty;
import io.modemflash.qmi.DeviceAccessDeniedException;
import io.modemflash.qmi.DeviceNotFoundException;
import io.modemflash.qmi.Hex;
import io.modemflash.qmi.NotQmiPortException;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiResult;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.client.QmiDevice;
import io.modemflash.qmi.client.QmiDeviceOptions;
import io.modemflash.qmi.ctl.Sync;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** Real file descriptors: a pty stands in for the modem's QMUX byte stream. */
class CharDeviceTransportTest {
    static final byte[] A = Hex.parse("01 0C 00 80 02 01 02 02 00 FF FF 00 00");
    static final byte[] B = Hex.parse("01 13 00 80 02 01 02 03 00 FF FF 07 00 02 04 00 00 00 00 00");

    @Test
    void missingPathIsDeviceNotFound(@TempDir Path dir) {
        DeviceNotFoundException e = assertThrows(DeviceNotFoundException.class,
                () -> CharDeviceTransport.open(dir.resolve("cdc-wdm9")));
        assertTrue(e.getMessage().startsWith("no such device: "), e.getMessage());
    }

    @Test
    void regularFileIsNotAQmiPort(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("file"), "x");
        NotQmiPortException e = assertThrows(NotQmiPortException.class, () -> CharDeviceTransport.open(f));
        assertTrue(e.getMessage().contains("is not a character device"), e.getMessage());
    }

    @Test
    void reframesAStreamSplitAnywhereWithNoise() throws Exception {
        try (Pty pty = Pty.open(); CharDeviceTransport t = CharDeviceTransport.open(pty.slavePath())) {
            byte[] stream = new byte[A.length + B.length + 3];
            System.arraycopy(Hex.parse("0D 0A 7E"), 0, stream, 0, 3);
            System.arraycopy(A, 0, stream, 3, A.length);
            System.arraycopy(B, 0, stream, 3 + A.length, B.length);
            // Write in odd pieces so frames straddle reads; binary bytes must pass unmangled (raw mode).
            for (int i = 0; i < stream.length; i += 5) {
                pty.master().write(stream, i, Math.min(5, stream.length - i), -1);
            }
            assertArrayEquals(A, t.receive(10_000));
            assertArrayEquals(B, t.receive(10_000));
            assertNull(t.receive(50), "nothing more");
        }
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        try (Pty pty = Pty.open()) {
            CharDeviceTransport t = CharDeviceTransport.open(pty.slavePath());
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    t.receive(-1);
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            reader.start();
            t.close();
            reader.join(10_000);
            assertFalse(reader.isAlive(), "reader still blocked after close()");
            assertInstanceOf(TransportClosedException.class, failure.get());
        }
    }

    @Test
    void qmiDeviceOverAPty() throws Exception {
        try (Pty pty = Pty.open()) {
            AtomicReference<QmiMessage> seen = new AtomicReference<>();
            Thread modem = new Thread(() -> {
                try {
                    FdTransport m = new FdTransport(pty.master(), "pty master");
                    QmiMessage sync = QmiMessage.decode(m.receive(10_000));
                    seen.set(sync);
                    m.send(sync.respond(QmiResult.SUCCESS, List.of()).encode());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            modem.start();
            QmiDeviceOptions o = QmiDeviceOptions.defaults().withShutdownHook(false).withSync(Duration.ofSeconds(10), 1);
            try (QmiDevice d = QmiDevice.open(CharDeviceTransport.open(pty.slavePath()), o)) {
                assertFalse(d.isClosed());
            }
            modem.join(10_000);
            assertEquals(QmiService.CTL, seen.get().service());
            assertEquals(Sync.ID, seen.get().messageId());
        }
    }

    @Test
    void devNullEndsBeforeAnyFrameSoItIsNotAQmiPort() throws Exception {
        try (CharDeviceTransport t = CharDeviceTransport.open(Path.of("/dev/null"))) {
            NotQmuxException e = assertThrows(NotQmuxException.class, () -> t.receive(5_000));
            assertTrue(e.getMessage().contains("before sending any QMUX frame: not a QMI port"), e.getMessage());
        }
    }

    @Test
    void devZeroIsGivenUpOnAfter64KiBWithoutAFrame() throws Exception {
        try (CharDeviceTransport t = CharDeviceTransport.open(Path.of("/dev/zero"))) {
            NotQmuxException e = assertThrows(NotQmuxException.class, () -> t.receive(5_000));
            assertTrue(e.getMessage().startsWith("/dev/zero sends data that is not QMUX: not a QMI port"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("starting 00 00 00"), e.getMessage());
        }
    }

    @Test
    void anEndAfterAFrameIsALostPortNotAWrongOne() throws Exception {
        Pty pty = Pty.open();
        try (CharDeviceTransport t = CharDeviceTransport.open(pty.slavePath())) {
            pty.master().write(A, 0, A.length, -1);
            assertArrayEquals(A, t.receive(10_000));
            pty.close();
            IOException e = assertThrows(IOException.class, () -> t.receive(5_000));
            assertFalse(e instanceof NotQmuxException, e.toString());
        } finally {
            pty.close();
        }
    }

    @Test
    void aFrameCutShortIsDroppedWhenTheNextOneComes() throws Exception {
        try (Pty pty = Pty.open(); CharDeviceTransport t = CharDeviceTransport.open(pty.slavePath())) {
            pty.master().write(B, 0, B.length - 4, -1);
            assertNull(t.receive(FdTransport.STALE_PARTIAL_NANOS / 1_000_000 + 200), "incomplete: nothing yet");
            pty.master().write(A, 0, A.length, -1);
            assertArrayEquals(A, t.receive(10_000), "the next frame is not swallowed by the cut one");
        }
    }

    @Test
    void permissionDeniedTellsWhatToDo() {
        // Tests run as root, which bypasses file modes: check the errno mapping itself.
        assertAccessDenied(CharDeviceTransport.openFailure("/dev/ttyUSB2",
                new PosixException("open", "/dev/ttyUSB2", Errno.EACCES)));
        assertAccessDenied(CharDeviceTransport.openFailure("/dev/cdc-wdm0",
                new PosixException("open", "/dev/cdc-wdm0", Errno.EPERM)));
    }

    private static void assertAccessDenied(Exception e) {
        assertInstanceOf(DeviceAccessDeniedException.class, e);
        assertTrue(e.getMessage().startsWith("permission denied opening /dev/"), e.getMessage());
        assertTrue(e.getMessage().contains("run as root"), e.getMessage());
        assertTrue(e.getMessage().contains("dialout") && e.getMessage().contains("plugdev"), e.getMessage());
    }
}
