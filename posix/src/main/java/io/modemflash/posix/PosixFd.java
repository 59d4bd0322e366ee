package io.modemflash.posix;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Linux file descriptor with poll-based reads and writes that take a timeout and that
 * {@link #close()} from another thread wakes at once (an eventfd is polled beside the fd).
 * The fd is switched to O_NONBLOCK; the blocking is done by poll, so a close never races a
 * read(2) sleeping in the kernel, and the fd number is released only after the last
 * reader or writer has left, so it cannot be reused under a running call.
 */
public final class PosixFd implements Closeable {
    /** Poll event bits, for {@link #poll}. */
    public static final int POLLIN = LibC.POLLIN;
    public static final int POLLOUT = LibC.POLLOUT;
    public static final int POLLERR = LibC.POLLERR;
    public static final int POLLHUP = LibC.POLLHUP;
    public static final int POLLNVAL = LibC.POLLNVAL;

    /** Returned by {@link #poll} when the descriptor was closed while waiting. */
    public static final int CLOSED = -1;

    private static final int CHUNK = 1 << 20;

    private final int fd;
    private final int wakeFd;
    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicInteger users = new AtomicInteger();
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    private Memory readBuf;
    private Memory writeBuf;

    private PosixFd(int fd, String name) throws PosixException {
        this.fd = fd;
        this.name = name;
        int wake = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (wake < 0) {
            PosixException e = PosixException.last("eventfd for", name);
            LibC.close(fd);
            throw e;
        }
        this.wakeFd = wake;
        int fl = LibC.fcntl(fd, LibC.F_GETFL, 0);
        if (fl < 0 || LibC.fcntl(fd, LibC.F_SETFL, fl | LibC.O_NONBLOCK) < 0) {
            PosixException e = PosixException.last("fcntl O_NONBLOCK", name);
            LibC.close(fd);
            LibC.close(wake);
            throw e;
        }
    }

    /** How a file is opened. O_NOCTTY and O_CLOEXEC are always added. */
    public enum Access {
        READ(LibC.O_RDONLY), WRITE(LibC.O_WRONLY), READ_WRITE(LibC.O_RDWR);

        final int flags;

        Access(int flags) {
            this.flags = flags;
        }
    }

    /** Opens a path read-write; errors name the path and errno, e.g. "open /dev/cdc-wdm0: EBUSY (...)". */
    public static PosixFd open(Path path) throws PosixException {
        return open(path, Access.READ_WRITE);
    }

    public static PosixFd open(Path path, Access access) throws PosixException {
        String p = path.toString();
        int fd = LibC.open(p, access.flags | LibC.O_NOCTTY | LibC.O_CLOEXEC | LibC.O_NONBLOCK);
        if (fd < 0) {
            throw PosixException.last("open", p);
        }
        return new PosixFd(fd, p);
    }

    /**
     * Opens a tty and applies the given termios with the very next system call, before this
     * object (its eventfd, fcntl) is built: a usb-serial tty starts its read URBs in open(), and
     * every byte the line discipline sees before the termios lands is processed with the
     * driver's default (echo on, canonical), so the device's first bytes are echoed back to it
     * and control characters eaten. The termios is made ready by the caller before the open.
     */
    public static PosixFd openTty(Path path, Memory termios) throws PosixException {
        String p = path.toString();
        int fd = LibC.open(p, LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_CLOEXEC | LibC.O_NONBLOCK);
        if (fd < 0) {
            throw PosixException.last("open", p);
        }
        if (LibC.tcsetattr(fd, 0 /* TCSANOW: a flush would drop what the device sent */, termios) < 0) {
            PosixException e = PosixException.last("tcsetattr", p);
            LibC.close(fd);
            throw e;
        }
        return new PosixFd(fd, p);
    }

    /** Takes ownership of a raw descriptor (closing this object closes it). */
    public static PosixFd adopt(int fd, String name) throws PosixException {
        return new PosixFd(fd, name);
    }

    /** The raw descriptor number (valid until close). */
    public int fd() {
        return fd;
    }

    public String name() {
        return name;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    public boolean isatty() throws IOException {
        enter();
        try {
            return LibC.isatty(fd) == 1;
        } finally {
            leave();
        }
    }

    /**
     * Waits for events on the fd. Returns the revents bits (0 on timeout), or {@link #CLOSED}
     * when {@link #close()} was called meanwhile. A negative timeout waits forever.
     */
    public int poll(int events, long timeoutMillis) throws IOException {
        enter();
        try {
            return pollEntered(events, timeoutMillis);
        } finally {
            leave();
        }
    }

    /**
     * Reads up to len bytes. Returns the number read (at least 1), 0 when the timeout passed
     * with nothing to read, or -1 at end of file. Throws {@link FdClosedException} when the fd
     * is or gets closed, {@link PosixException} for read errors (a pty master without an open
     * slave reports EIO).
     */
    public int read(byte[] b, int off, int len, long timeoutMillis) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        enter();
        try {
            synchronized (readLock) {
                long deadline = deadline(timeoutMillis);
                while (true) {
                    int rev = pollEntered(LibC.POLLIN, remaining(deadline));
                    if (rev == CLOSED) {
                        throw new FdClosedException(name);
                    }
                    if (rev == 0) {
                        return 0;
                    }
                    if ((rev & LibC.POLLNVAL) != 0) {
                        throw new PosixException("poll", name, Errno.EBADF);
                    }
                    int n = Math.min(len, CHUNK);
                    if (readBuf == null || readBuf.size() < n) {
                        readBuf = new Memory(Math.max(n, 4096));
                    }
                    long r = LibC.read(fd, readBuf, new NativeLong(n)).longValue();
                    if (r > 0) {
                        readBuf.read(0, b, off, (int) r);
                        return (int) r;
                    }
                    if (r == 0) {
                        return -1;
                    }
                    int errno = com.sun.jna.Native.getLastError();
                    if (errno != Errno.EAGAIN && errno != Errno.EINTR) {
                        throw new PosixException("read", name, errno);
                    }
                    if (deadline != Long.MAX_VALUE && remaining(deadline) == 0) {
                        return 0;
                    }
                }
            }
        } finally {
            leave();
        }
    }

    /** Reads without a timeout (blocks until data, EOF or close). */
    public int read(byte[] b, int off, int len) throws IOException {
        return read(b, off, len, -1);
    }

    /**
     * Writes all of b[off, off+len) unless the timeout passes first; returns the number of
     * bytes written (less than len only on timeout). Close from another thread wakes it with
     * {@link FdClosedException}.
     */
    public int write(byte[] b, int off, int len, long timeoutMillis) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        enter();
        try {
            synchronized (writeLock) {
                long deadline = deadline(timeoutMillis);
                int done = 0;
                while (done < len) {
                    int n = Math.min(len - done, CHUNK);
                    if (writeBuf == null || writeBuf.size() < n) {
                        writeBuf = new Memory(Math.max(n, 4096));
                    }
                    writeBuf.write(0, b, off + done, n);
                    long w = LibC.write(fd, writeBuf, new NativeLong(n)).longValue();
                    if (w > 0) {
                        done += (int) w;
                        continue;
                    }
                    int errno = w < 0 ? com.sun.jna.Native.getLastError() : Errno.EAGAIN;
                    if (errno != Errno.EAGAIN && errno != Errno.EINTR) {
                        throw new PosixException("write", name, errno);
                    }
                    int rev = pollEntered(LibC.POLLOUT, remaining(deadline));
                    if (rev == CLOSED) {
                        throw new FdClosedException(name);
                    }
                    if (rev == 0) {
                        return done;
                    }
                    if ((rev & LibC.POLLNVAL) != 0) {
                        throw new PosixException("poll", name, Errno.EBADF);
                    }
                }
                return done;
            }
        } finally {
            leave();
        }
    }

    /** Writes everything, waiting as long as needed. */
    public void write(byte[] b) throws IOException {
        write(b, 0, b.length, -1);
    }

    /**
     * Discards pending input and output (tcflush TCIOFLUSH); for ttys and ptys only. On a pty
     * master this does not empty the slave's input queue (Linux 6.x): flush on a slave fd.
     */
    public void flush() throws IOException {
        enter();
        try {
            if (LibC.tcflush(fd, 2) < 0) {
                throw PosixException.last("tcflush", name);
            }
        } finally {
            leave();
        }
    }

    /** Discards input received but not read yet (tcflush TCIFLUSH); for ttys and ptys only. */
    public void discardInput() throws IOException {
        enter();
        try {
            if (LibC.tcflush(fd, 0) < 0) {
                throw PosixException.last("tcflush", name);
            }
        } finally {
            leave();
        }
    }

    /**
     * Closes the fd. Safe to call from any thread and more than once: readers and writers
     * blocked in this object wake with {@link FdClosedException}; the descriptor itself is
     * released when the last of them has returned.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try (Memory one = new Memory(8)) {
            one.setLong(0, 1);
            LibC.write(wakeFd, one, new NativeLong(8));
        }
        if (users.get() == 0) {
            release();
        }
    }

    @Override
    public String toString() {
        return "PosixFd[" + name + ", fd " + fd + (closed.get() ? ", closed" : "") + "]";
    }

    private void enter() throws FdClosedException {
        if (closed.get()) {
            throw new FdClosedException(name);
        }
        users.incrementAndGet();
        if (closed.get()) {
            leave();
            throw new FdClosedException(name);
        }
    }

    private void leave() {
        if (users.decrementAndGet() == 0 && closed.get()) {
            release();
        }
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            LibC.close(fd);
            LibC.close(wakeFd);
        }
    }

    /** poll on [fd, wakeFd]; caller holds a use. */
    private int pollEntered(int events, long timeoutMillis) throws IOException {
        long deadline = deadline(timeoutMillis);
        try (Memory fds = new Memory(16)) {
            while (true) {
                fds.setInt(0, fd);
                fds.setShort(4, (short) events);
                fds.setShort(6, (short) 0);
                fds.setInt(8, wakeFd);
                fds.setShort(12, LibC.POLLIN);
                fds.setShort(14, (short) 0);
                long rem = remaining(deadline);
                int wait = deadline == Long.MAX_VALUE ? -1 : (int) Math.min(rem, Integer.MAX_VALUE);
                int r = LibC.poll(fds, new NativeLong(2), wait);
                if (r < 0) {
                    int errno = com.sun.jna.Native.getLastError();
                    if (errno == Errno.EINTR) {
                        continue;
                    }
                    throw new PosixException("poll", name, errno);
                }
                if (fds.getShort(14) != 0 || closed.get()) {
                    return CLOSED;
                }
                if (r == 0) {
                    if (deadline == Long.MAX_VALUE || remaining(deadline) > 0) {
                        continue;
                    }
                    return 0;
                }
                return fds.getShort(6) & 0xffff;
            }
        }
    }

    private static long deadline(long timeoutMillis) {
        // Anything beyond ~100 days is "forever" (also avoids overflow).
        if (timeoutMillis < 0 || timeoutMillis > 1L << 33) {
            return Long.MAX_VALUE;
        }
        return System.nanoTime() + timeoutMillis * 1_000_000L;
    }

    private static long remaining(long deadline) {
        if (deadline == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long ns = deadline - System.nanoTime();
        return ns <= 0 ? 0 : (ns + 999_999) / 1_000_000;
    }
}
