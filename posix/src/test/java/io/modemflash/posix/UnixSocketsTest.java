package io.modemflash.posix;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class UnixSocketsTest {
    private static String unique() {
        return "modemflash-posix-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    @Test
    void nobodyListeningIsConnectionRefused() {
        PosixException e = assertThrows(PosixException.class, () -> UnixSockets.connectAbstract(unique()));
        assertEquals(Errno.ECONNREFUSED, e.errno());
    }

    @Test
    void connectAcceptAndExchangeBytes() throws Exception {
        String name = unique();
        try (PosixFd listener = UnixSockets.listenAbstract(name);
             PosixFd client = UnixSockets.connectAbstract(name);
             PosixFd server = UnixSockets.accept(listener, 10_000)) {
            assertNotNull(server);
            client.write("ping".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[16];
            int n = server.read(buf, 0, buf.length, 10_000);
            assertEquals("ping", new String(buf, 0, n, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void namesAreExactNotPrefixes() throws Exception {
        String name = unique();
        try (PosixFd listener = UnixSockets.listenAbstract(name + "x")) {
            PosixException e = assertThrows(PosixException.class, () -> UnixSockets.connectAbstract(name));
            assertEquals(Errno.ECONNREFUSED, e.errno());
        }
    }

    @Test
    void secondListenerOnTheSameNameIsAddressInUse() throws Exception {
        String name = unique();
        try (PosixFd first = UnixSockets.listenAbstract(name)) {
            PosixException e = assertThrows(PosixException.class, () -> UnixSockets.listenAbstract(name));
            assertEquals(Errno.EADDRINUSE, e.errno());
        }
    }

    @Test
    void acceptTimesOutWithNull() throws Exception {
        try (PosixFd listener = UnixSockets.listenAbstract(unique())) {
            assertNull(UnixSockets.accept(listener, 10));
        }
    }
}
