package io.modemflash.posix;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

import java.io.Closeable;
import java.nio.file.Path;

/**
 * A pseudo-terminal pair (posix_openpt + grantpt + unlockpt + ptsname_r). The master stays
 * with the creator; anyone may open {@link #slavePath()} like a device node.
 */
public record Pty(PosixFd master, Path slavePath) implements Closeable {

    /** Opens a new pty; the master is put in raw mode (which is the slave's termios). */
    public static Pty open() throws PosixException {
        int m = LibC.posix_openpt(LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_CLOEXEC);
        if (m < 0) {
            throw PosixException.last("posix_openpt", "/dev/ptmx");
        }
        PosixFd master = PosixFd.adopt(m, "pty master");
        try {
            if (LibC.grantpt(m) < 0) {
                throw PosixException.last("grantpt", "pty master");
            }
            if (LibC.unlockpt(m) < 0) {
                throw PosixException.last("unlockpt", "pty master");
            }
            String name;
            try (Memory buf = new Memory(128)) {
                int rc = LibC.ptsname_r(m, buf, new NativeLong(buf.size()));
                if (rc != 0) {
                    // ptsname_r returns the error number instead of setting errno
                    throw new PosixException("ptsname_r", "pty master", rc);
                }
                name = buf.getString(0);
            }
            Pty pty = new Pty(master, Path.of(name));
            try {
                Termios.makeRaw(master);
            } catch (PosixException e) {
                throw e;
            } catch (java.io.IOException e) {
                throw new PosixException("tcsetattr", "pty master", Errno.EIO);
            }
            return pty;
        } catch (PosixException e) {
            master.close();
            throw e;
        }
    }

    /** Opens the slave side read-write (without making it the controlling tty). */
    public PosixFd openSlave() throws PosixException {
        return PosixFd.open(slavePath);
    }

    @Override
    public void close() {
        master.close();
    }
}
