package io.modemflash.posix;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class PtyTest {

    private static byte[] readExactly(PosixFd fd, int n) throws Exception {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            int r = fd.read(out, got, n - got, 5000);
            assertTrue(r > 0, "expected data, read returned " + r);
            got += r;
        }
        return out;
    }

    @Test
    void bytesWrittenOnOneSideArriveUnchangedOnTheOther() throws Exception {
        try (Pty pty = Pty.open(); PosixFd slave = pty.openSlave()) {
            // every byte value, including CR, LF, ^C, ^D, XON/XOFF: raw mode must pass them all
            byte[] all = new byte[256];
            for (int i = 0; i < 256; i++) {
                all[i] = (byte) i;
            }
            pty.master().write(all);
            assertArrayEquals(all, readExactly(slave, 256));
            slave.write(all);
            assertArrayEquals(all, readExactly(pty.master(), 256));
        }
    }

    @Test
    void slaveIsACharacterDeviceAndATty() throws Exception {
        try (Pty pty = Pty.open(); PosixFd slave = pty.openSlave()) {
            assertTrue(pty.slavePath().toString().startsWith("/dev/pts/"), pty.slavePath().toString());
            assertTrue(Posix.isCharDevice(pty.slavePath()));
            assertTrue(slave.isatty());
            assertTrue(pty.master().isatty());
            assertFalse(Posix.isCharDevice(Path.of("/tmp")));
        }
    }

    @Test
    void masterRawModeIsSeenFromTheSlave() throws Exception {
        try (Pty pty = Pty.open(); PosixFd slave = pty.openSlave()) {
            Termios.Attributes a = Termios.get(slave);
            assertTrue(a.isRaw(), a.toString());
            assertEquals(1, a.vmin());
            assertEquals(0, a.vtime());
            assertEquals(0, a.lflag() & Termios.ECHO);
        }
    }

    @Test
    void makeRawTurnsOffEchoAndCanonicalModeAndSetsVminVtime() throws Exception {
        try (Pty pty = Pty.open(); PosixFd slave = pty.openSlave()) {
            // a boot-link style setting on the slave side: polling read (VMIN 0), 0.7 s VTIME
            Termios.makeRaw(slave, 115200, 0, 7);
            Termios.Attributes a = Termios.get(slave);
            assertTrue(a.isRaw());
            assertEquals(0, a.vmin());
            assertEquals(7, a.vtime());
            assertEquals(Termios.CS8, a.cflag() & Termios.CSIZE);
            assertEquals(0, a.cflag() & (Termios.PARENB | Termios.CSTOPB));
            assertThrows(IllegalArgumentException.class, () -> Termios.makeRaw(slave, 12345, 1, 0));
        }
    }

    @Test
    void readTimesOutWithZeroWhenNothingArrives() throws Exception {
        try (Pty pty = Pty.open(); PosixFd slave = pty.openSlave()) {
            assertEquals(0, slave.read(new byte[10], 0, 10, 50));
            assertEquals(0, pty.master().poll(PosixFd.POLLIN, 0));
        }
    }

    @Test
    void closeFromAnotherThreadWakesABlockedReader() throws Exception {
        Pty pty = Pty.open();
        PosixFd slave = pty.openSlave();
        try {
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                started.countDown();
                try {
                    slave.read(new byte[10], 0, 10, -1);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            assertTrue(started.await(5, TimeUnit.SECONDS));
            slave.close();
            Throwable t = reader.get(10, TimeUnit.SECONDS);
            assertInstanceOf(FdClosedException.class, t);
            assertThrows(FdClosedException.class, () -> slave.read(new byte[1], 0, 1, 0));
            slave.close(); // idempotent
        } finally {
            pty.close();
        }
    }

    @Test
    void masterReportsHangupAndEioWhenNoSlaveIsOpen() throws Exception {
        try (Pty pty = Pty.open()) {
            PosixFd slave = pty.openSlave();
            slave.close();
            int rev = pty.master().poll(PosixFd.POLLIN, 1000);
            assertTrue((rev & PosixFd.POLLHUP) != 0, "revents " + rev);
            PosixException e = assertThrows(PosixException.class, () -> pty.master().read(new byte[4], 0, 4, 1000));
            assertEquals(Errno.EIO, e.errno());
        }
    }

    @Test
    void openErrorsNameThePathAndTheErrno() {
        PosixException e = assertThrows(PosixException.class, () -> PosixFd.open(Path.of("/nonexistent/cdc-wdm9")));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open /nonexistent/cdc-wdm9: ENOENT (No such file or directory)", e.getMessage());
        assertEquals("EBUSY (Device or resource busy)", Errno.describe(Errno.EBUSY));
        assertEquals("EACCES", Errno.name(Errno.EACCES));
        assertEquals("errno 4095", Errno.name(4095));
    }

    @Test
    void textRoundTripsThroughTheSlave() throws Exception {
        try (Pty pty = Pty.open(); PosixFd slave = pty.openSlave()) {
            byte[] at = "AT!BOOTHOLD\r".getBytes(StandardCharsets.US_ASCII);
            slave.write(at);
            assertArrayEquals(at, readExactly(pty.master(), at.length));
        }
    }

    @Test
    void discardInputDropsWhatWasNotReadYet() throws Exception {
        try (Pty pty = Pty.open(); PosixFd slave = pty.openSlave()) {
            pty.master().write("old answer".getBytes(StandardCharsets.US_ASCII));
            // wait until it is readable on the slave, then discard it
            assertTrue((slave.poll(PosixFd.POLLIN, 5000) & PosixFd.POLLIN) != 0);
            slave.discardInput();
            assertEquals(0, slave.read(new byte[16], 0, 16, 50));
            pty.master().write(new byte[] {42});
            assertArrayEquals(new byte[] {42}, readExactly(slave, 1));
        }
    }
}
