package io.modemflash.qdl.link;

import io.modemflash.posix.Errno;
import io.modemflash.posix.FdClosedException;
import io.modemflash.posix.PosixException;
import io.modemflash.posix.PosixFd;
import io.modemflash.posix.Termios;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The boot-mode tty that qcserial exposes (/dev/ttyUSBn), in raw 8N1 mode. A byte stream:
 * reads return whatever the driver has (several packets, or part of one), and zero-length
 * packets do not exist here, so the ZLP setting is recorded but has no effect.
 */
public final class TtyLink implements Link {
    /** A write that makes no progress for this long means the device stopped reading. */
    private static final long WRITE_TIMEOUT_MS = 30_000;

    private final PosixFd fd;
    private final String name;
    private volatile boolean zlp;

    private TtyLink(PosixFd fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * Opens the tty already in raw mode: the termios is applied by the system call right after
     * the open, before the line discipline can process (echo, edit) the first bytes the device
     * sends, such as a Sahara HELLO (on a real kernel, opening and then setting raw mode echoed
     * the start of the HELLO back in 7 of 9 sessions).
     */
    public static TtyLink open(Path tty) throws IOException {
        PosixFd fd;
        try {
            fd = Termios.openRaw(tty);
        } catch (PosixException e) {
            throw switch (e.errno()) {
                case Errno.EBUSY -> new DeviceBusyException("device busy: " + tty
                        + " is held by another process (ModemManager?)");
                case Errno.ENOENT, Errno.ENXIO, Errno.ENODEV -> new NoMatchingDeviceException("no tty " + tty + ": "
                        + e.errnoName());
                // not a tty at all (a file, /dev/null): the wrong port, not an internal error
                case Errno.ENOTTY, Errno.EINVAL -> new NoMatchingDeviceException(tty
                        + " is not a usable tty (cannot put it in raw mode: " + e.getMessage() + ")");
                default -> e;
            };
        }
        return new TtyLink(fd, tty.toString());
    }

    /** Wraps an already open descriptor (a pty in tests and the emulator); takes ownership. */
    public static TtyLink adopt(PosixFd fd, String name) {
        return new TtyLink(fd, name);
    }

    @Override
    public void write(byte[] data, int off, int len) throws IOException {
        try {
            int n = fd.write(data, off, len, WRITE_TIMEOUT_MS);
            if (n < len) {
                throw new LinkTimeoutException("write to " + name + " stalled after " + n + " of " + len + " bytes");
            }
        } catch (FdClosedException e) {
            throw new DeviceGoneException(name + " closed", e);
        } catch (PosixException e) {
            throw gone(e);
        }
    }

    @Override
    public int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
        try {
            int n = fd.read(buf, off, len, Math.max(0, timeoutMillis));
            if (n < 0) {
                throw new DeviceGoneException(name + " hung up (device gone)");
            }
            return n;
        } catch (FdClosedException e) {
            throw new DeviceGoneException(name + " closed", e);
        } catch (PosixException e) {
            throw gone(e);
        }
    }

    /** EIO/ENODEV/ENXIO on a ttyUSB mean the USB device left; other errors stay what they are. */
    private IOException gone(PosixException e) {
        int errno = e.errno();
        if (errno == Errno.EIO || errno == Errno.ENODEV || errno == Errno.ENXIO) {
            return new DeviceGoneException(name + " gone: " + e.errnoName(), e);
        }
        return e;
    }

    @Override
    public int maxPacketSize() {
        return 512;
    }

    @Override
    public void setZeroLengthPackets(boolean enabled) {
        zlp = enabled;
    }

    @Override
    public boolean zeroLengthPackets() {
        return zlp;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() {
        fd.close();
    }
}
