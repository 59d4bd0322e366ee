package io.modemflash.posix;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.charset.StandardCharsets;

/**
 * AF_UNIX stream sockets in the Linux abstract namespace (address "\0name"), which Java's
 * UnixDomainSocketAddress cannot express; qmi-proxy and mbim-proxy listen there. The sockaddr
 * length passed to the kernel is exactly 2 + 1 + strlen(name): the abstract name is the whole
 * sun_path up to that length, so trailing zero padding would name a different socket.
 * Connected sockets are returned as {@link PosixFd} (poll-based, close wakes readers).
 */
public final class UnixSockets {
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SUN_PATH_MAX = 108;

    private UnixSockets() {
    }

    /** Direct-mapped socket calls, separate from {@link LibC} (which another module owner maintains). */
    private static final class Sock {
        static {
            Native.register(Sock.class, "c");
        }

        static native int socket(int domain, int type, int protocol);

        static native int connect(int fd, Pointer addr, int len);

        static native int bind(int fd, Pointer addr, int len);

        static native int listen(int fd, int backlog);

        static native int accept4(int fd, Pointer addr, Pointer len, int flags);

        static native int close(int fd);
    }

    private static Memory address(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length == 0 || n.length > SUN_PATH_MAX - 1) {
            throw new IllegalArgumentException("abstract socket name must be 1.." + (SUN_PATH_MAX - 1) + " bytes: " + name);
        }
        Memory sa = new Memory(2 + 1 + n.length);
        sa.clear();
        sa.setShort(0, (short) AF_UNIX); // sa_family_t, native byte order
        sa.setByte(2, (byte) 0);
        sa.write(3, n, 0, n.length);
        return sa;
    }

    private static int newSocket(String name) throws PosixException {
        int fd = Sock.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw PosixException.last("socket for", "@" + name);
        }
        return fd;
    }

    /**
     * Connects to the abstract socket {@code name} (no leading NUL). ECONNREFUSED means nobody
     * listens under that name.
     */
    public static PosixFd connectAbstract(String name) throws PosixException {
        int fd = newSocket(name);
        try (Memory sa = address(name)) {
            if (Sock.connect(fd, sa, (int) sa.size()) < 0) {
                int errno = Native.getLastError();
                Sock.close(fd);
                throw new PosixException("connect", "@" + name, errno);
            }
        }
        return PosixFd.adopt(fd, "@" + name);
    }

    /** Binds and listens on the abstract socket {@code name}; for emulators and tests. EADDRINUSE if taken. */
    public static PosixFd listenAbstract(String name) throws PosixException {
        int fd = newSocket(name);
        try (Memory sa = address(name)) {
            if (Sock.bind(fd, sa, (int) sa.size()) < 0 || Sock.listen(fd, 16) < 0) {
                int errno = Native.getLastError();
                Sock.close(fd);
                throw new PosixException("bind/listen", "@" + name, errno);
            }
        }
        return PosixFd.adopt(fd, "@" + name + " (listening)");
    }

    /**
     * Accepts one connection on a listening socket from {@link #listenAbstract}, waiting at most
     * timeoutMillis (negative: forever). Returns null on timeout; {@link FdClosedException} if the
     * listener is closed meanwhile.
     */
    public static PosixFd accept(PosixFd listener, long timeoutMillis) throws java.io.IOException {
        while (true) {
            int rev = listener.poll(PosixFd.POLLIN, timeoutMillis);
            if (rev == PosixFd.CLOSED) {
                throw new FdClosedException(listener.name());
            }
            if (rev == 0) {
                return null;
            }
            int fd = Sock.accept4(listener.fd(), Pointer.NULL, Pointer.NULL, SOCK_CLOEXEC);
            if (fd >= 0) {
                return PosixFd.adopt(fd, listener.name().replace(" (listening)", "") + " (peer)");
            }
            int errno = Native.getLastError();
            if (errno != Errno.EAGAIN && errno != Errno.EINTR) {
                throw new PosixException("accept", listener.name(), errno);
            }
        }
    }
}
