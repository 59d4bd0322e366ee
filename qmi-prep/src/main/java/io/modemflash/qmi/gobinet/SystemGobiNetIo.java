package io.modemflash.qmi.gobinet;

import com.sun.jna.Memory;
import io.modemflash.posix.Errno;
import io.modemflash.posix.FdClosedException;
import io.modemflash.posix.Ioctl;
import io.modemflash.posix.PosixException;
import io.modemflash.posix.PosixFd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link GobiNetIo} on the real device: each handle a {@link PosixFd} (poll-based, close wakes a poll). */
final class SystemGobiNetIo implements GobiNetIo {
    static final SystemGobiNetIo INSTANCE = new SystemGobiNetIo();

    private final Map<Integer, PosixFd> fds = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(1);

    @Override
    public int open(Path path) throws PosixException {
        PosixFd fd = PosixFd.open(path);
        int h = next.getAndIncrement();
        fds.put(h, fd);
        return h;
    }

    private PosixFd fd(int handle) throws PosixException {
        PosixFd fd = fds.get(handle);
        if (fd == null) {
            throw new PosixException("use of", "GobiNet handle " + handle, Errno.EBADF);
        }
        return fd;
    }

    @Override
    public int ioctl(int handle, long request, long value) throws PosixException {
        return Ioctl.withValue(fd(handle), request, value);
    }

    @Override
    public int ioctl(int handle, long request, byte[] buffer) throws PosixException {
        try (Memory m = new Memory(buffer.length)) {
            m.write(0, buffer, 0, buffer.length);
            int r = Ioctl.withBuffer(fd(handle), request, m);
            m.read(0, buffer, 0, buffer.length);
            return r;
        }
    }

    @Override
    public boolean pollIn(int handle, long timeoutMillis) throws PosixException {
        PosixFd fd = fd(handle);
        int rev;
        try {
            rev = fd.poll(PosixFd.POLLIN, timeoutMillis);
        } catch (PosixException e) {
            throw e;
        } catch (IOException e) {
            throw new PosixException("poll", fd.name(), Errno.EBADF);
        }
        if (rev == PosixFd.CLOSED) {
            throw new PosixException("poll", fd.name(), Errno.EBADF);
        }
        if ((rev & (PosixFd.POLLERR | PosixFd.POLLHUP | PosixFd.POLLNVAL)) != 0 && (rev & PosixFd.POLLIN) == 0) {
            throw new PosixException("poll", fd.name(), Errno.ENODEV);
        }
        return (rev & PosixFd.POLLIN) != 0;
    }

    @Override
    public int read(int handle, byte[] buf) throws PosixException {
        PosixFd fd = fd(handle);
        try {
            int n = fd.read(buf, 0, buf.length, 0);
            return Math.max(n, 0);
        } catch (PosixException e) {
            throw e;
        } catch (FdClosedException e) {
            throw new PosixException("read", fd.name(), Errno.EBADF);
        } catch (IOException e) {
            throw new PosixException("read", fd.name(), Errno.EIO);
        }
    }

    @Override
    public void write(int handle, byte[] sdu) throws PosixException {
        PosixFd fd = fd(handle);
        try {
            if (fd.write(sdu, 0, sdu.length, 5_000) != sdu.length) {
                throw new PosixException("write", fd.name(), Errno.ETIMEDOUT);
            }
        } catch (PosixException e) {
            throw e;
        } catch (IOException e) {
            throw new PosixException("write", fd.name(), Errno.EBADF);
        }
    }

    @Override
    public void close(int handle) {
        PosixFd fd = fds.remove(handle);
        if (fd != null) {
            fd.close();
        }
    }
}
