package io.modemflash.posix;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Direct-mapped libc calls (Linux, glibc or musl). Kept package-private: callers use the
 * typed wrappers, which turn -1 + errno into {@link PosixException}.
 */
final class LibC {
    static {
        if (!Platform.isLinux()) {
            throw new UnsupportedOperationException("io.modemflash.posix supports Linux only");
        }
        Native.register(LibC.class, "c");
    }

    private LibC() {
    }

    // Linux generic values (x86, x86_64, arm, arm64, riscv share these).
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_NOCTTY = 0400;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;

    static final int F_GETFL = 3;
    static final int F_SETFL = 4;

    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    static final int EFD_CLOEXEC = O_CLOEXEC;
    static final int EFD_NONBLOCK = O_NONBLOCK;

    static native int open(String path, int flags);

    static native int close(int fd);

    static native NativeLong read(int fd, Pointer buf, NativeLong count);

    static native NativeLong write(int fd, Pointer buf, NativeLong count);

    /** fds: array of struct pollfd {int fd; short events; short revents;}. */
    static native int poll(Pointer fds, NativeLong nfds, int timeoutMillis);

    static native int fcntl(int fd, int cmd, int arg);

    static native int eventfd(int initval, int flags);

    static native int isatty(int fd);

    static native int tcgetattr(int fd, Pointer termios);

    static native int tcsetattr(int fd, int optionalActions, Pointer termios);

    static native void cfmakeraw(Pointer termios);

    static native int cfsetspeed(Pointer termios, int speed);

    static native int tcflush(int fd, int queueSelector);

    static native int posix_openpt(int flags);

    static native int grantpt(int fd);

    static native int unlockpt(int fd);

    static native int ptsname_r(int fd, Pointer buf, NativeLong buflen);

    static native Pointer strerror(int errnum);
}
