package io.modemflash.emulator.pty;

import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.emulator.qmi.ControlStream;
import io.modemflash.emulator.qmi.QmiStream;
import io.modemflash.posix.Errno;
import io.modemflash.posix.FdClosedException;
import io.modemflash.posix.PosixException;
import io.modemflash.posix.PosixFd;
import io.modemflash.posix.Pty;
import io.modemflash.posix.Termios;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Serves the QMI engine on the master side of a raw pty; clients open the slave like a
 * cdc-wdm node. Clients may open and close the slave any number of times: while no slave is
 * open the master reports POLLHUP (and EIO on read); answers are not written then, and what
 * the last client left unread is discarded when its hang-up is seen, so a response left
 * unread by one client does not reach the next. (A client that reopens before the hang-up
 * is seen cannot be told apart from the old one and may read stale answers.)
 */
public final class PtyQmiServer implements Closeable {
    /** How often to look for a new client while none has the slave open (POLLHUP is level-triggered). */
    private static final long IDLE_POLL_MILLIS = 10;
    private static final long WRITE_TIMEOUT_MILLIS = 2000;

    private final Pty pty;
    private final java.util.function.Supplier<ControlStream> streams;
    private final Thread thread;
    private final Consumer<String> log;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private final java.util.concurrent.atomic.AtomicInteger hangups = new java.util.concurrent.atomic.AtomicInteger();

    public PtyQmiServer(QmiEngine engine, Consumer<String> log) throws IOException {
        this(() -> new QmiStream(engine), log);
    }

    /** Serves whatever protocol the streams speak (QMUX, or MBIM for a cdc_mbim port). */
    public PtyQmiServer(java.util.function.Supplier<ControlStream> streams, Consumer<String> log) throws IOException {
        this.streams = streams;
        this.log = log;
        this.pty = Pty.open();
        this.thread = new Thread(this::serve, "emulator-qmi-pty");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The slave device (/dev/pts/N) clients open. */
    public Path slavePath() {
        return pty.slavePath();
    }

    /** How many times a client that had talked closed the port (its unread answers were flushed). */
    public int hangups() {
        return hangups.get();
    }

    /** Set when the serving thread died of an unexpected error (null while healthy). */
    public Throwable failure() {
        return failure;
    }

    private void serve() {
        PosixFd master = pty.master();
        ControlStream stream = streams.get();
        byte[] buf = new byte[65536];
        boolean client = false;
        try {
            while (running) {
                int rev = master.poll(PosixFd.POLLIN, -1);
                if (rev == PosixFd.CLOSED) {
                    return;
                }
                if ((rev & PosixFd.POLLIN) != 0) {
                    int n;
                    try {
                        n = master.read(buf, 0, buf.length, 0);
                    } catch (PosixException e) {
                        if (e.errno() != Errno.EIO) {
                            throw e;
                        }
                        n = 0; // the slave went away between poll and read
                    }
                    if (n > 0) {
                        client = true;
                        List<byte[]> out = stream.feed(buf, 0, n);
                        for (byte[] chunk : out) {
                            send(master, chunk);
                        }
                        continue;
                    }
                }
                if ((rev & PosixFd.POLLHUP) != 0) {
                    if (client) {
                        // last client closed: drop its unread answers and any half frame it sent
                        client = false;
                        discardUnread();
                        stream.reset();
                        hangups.incrementAndGet();
                    }
                    Thread.sleep(IDLE_POLL_MILLIS);
                }
            }
        } catch (FdClosedException e) {
            // closed by close(): normal end
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (running) {
                failure = e;
                log.accept("emulator: pty server stopped: " + e.getMessage());
            }
        }
    }

    /**
     * Linux keeps what the master wrote in the slave's input queue across a close, and a
     * TCFLSH on the master does not reach it (kernel 6.x), so flush from the slave side: open
     * it briefly and discard its input. Only the slave's input is flushed, so the request of a
     * client that opens in that instant survives; no answer for it can be queued yet, as this
     * thread is the only writer.
     */
    private void discardUnread() throws IOException {
        try (PosixFd slave = PosixFd.open(pty.slavePath())) {
            slave.discardInput();
        }
        // a cdc-wdm node has no line discipline: undo whatever termios the last client set
        Termios.makeRaw(pty.master());
    }

    /** Writes one chunk unless the client has gone (then its answer is dropped, as documented above). */
    private void send(PosixFd master, byte[] chunk) throws IOException {
        int rev = master.poll(0, 0);
        if (rev == PosixFd.CLOSED || (rev & PosixFd.POLLHUP) != 0) {
            return;
        }
        int n = master.write(chunk, 0, chunk.length, WRITE_TIMEOUT_MILLIS);
        if (n < chunk.length) {
            log.accept("emulator: client does not read; dropped " + (chunk.length - n) + " byte(s)");
        }
    }

    @Override
    public void close() {
        running = false;
        pty.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
