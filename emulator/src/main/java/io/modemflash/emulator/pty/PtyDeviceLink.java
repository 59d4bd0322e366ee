package io.modemflash.emulator.pty;

import io.modemflash.posix.Errno;
import io.modemflash.posix.FdClosedException;
import io.modemflash.posix.PosixException;
import io.modemflash.posix.PosixFd;
import io.modemflash.posix.Pty;
import io.modemflash.qdl.link.DeviceGoneException;
import io.modemflash.qdl.link.Link;

import java.io.IOException;

/**
 * The device end of a download-mode tty: the master of a raw pty whose slave is published as
 * DIR/dev/ttyUSB0. A byte stream like qcserial's tty (no transfer boundaries). While no
 * host has the slave open, reads wait (the device keeps its state, as on USB, where closing
 * the tty does not reset the modem); what the device writes then stays queued for the next
 * host, like data waiting in a bulk IN endpoint.
 */
public final class PtyDeviceLink implements Link, io.modemflash.emulator.boot.Unpluggable {
    private static final long IDLE_POLL_MILLIS = 10;
    static final long LINGER_MILLIS = 1_000;
    private final Pty pty;

    public PtyDeviceLink(Pty pty) {
        this.pty = pty;
    }

    @Override
    public void write(byte[] data, int off, int len) throws IOException {
        try {
            int done = 0;
            while (done < len) {
                int n = pty.master().write(data, off + done, len - done, 1_000);
                done += n;
            }
        } catch (FdClosedException e) {
            throw new DeviceGoneException("download tty closed");
        }
    }

    @Override
    public int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000L;
        try {
            while (true) {
                long left = Math.max(0, (end - System.nanoTime()) / 1_000_000L);
                int rev = pty.master().poll(PosixFd.POLLIN, left);
                if (rev == PosixFd.CLOSED) {
                    throw new DeviceGoneException("download tty closed");
                }
                if ((rev & PosixFd.POLLIN) != 0) {
                    try {
                        int n = pty.master().read(buf, off, len, 0);
                        if (n > 0) {
                            return n;
                        }
                    } catch (PosixException e) {
                        if (e.errno() != Errno.EIO) {
                            throw e;
                        }
                    }
                }
                if (left == 0) {
                    return 0;
                }
                if ((rev & PosixFd.POLLHUP) != 0) {
                    Thread.sleep(Math.min(IDLE_POLL_MILLIS, left)); // no host has the tty open
                }
            }
        } catch (FdClosedException e) {
            throw new DeviceGoneException("download tty closed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    @Override
    public int maxPacketSize() {
        return 512;
    }

    @Override
    public void setZeroLengthPackets(boolean enabled) {
    }

    @Override
    public boolean zeroLengthPackets() {
        return false;
    }

    @Override
    public String describe() {
        return "download tty " + pty.slavePath();
    }

    @Override
    public void unplug() {
        pty.close();
    }

    /**
     * Closing the master hangs the slave up, and Linux then discards what the host has not
     * read yet (a reset's ACK and last logs). A resetting modem takes a while to leave the
     * bus anyway: give the host up to {@link #LINGER_MILLIS} to read and close its end.
     */
    @Override
    public void close() {
        long end = System.nanoTime() + LINGER_MILLIS * 1_000_000L;
        try {
            while (System.nanoTime() < end) {
                int rev = pty.master().poll(0, 0);
                if (rev == PosixFd.CLOSED || (rev & PosixFd.POLLHUP) != 0) {
                    break; // no host has the tty open (any more)
                }
                Thread.sleep(IDLE_POLL_MILLIS);
            }
        } catch (IOException e) {
            // closing anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pty.close();
    }
}
