package io.modemflash.emulator;

import io.modemflash.emulator.qmi.QmiStream;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * In-memory byte stream to the emulated modem, like an open cdc-wdm or pty: the host writes
 * QMUX bytes (any split), the modem's answers queue up for {@link #read}. Writes are handled
 * synchronously on the writer's thread, so a test is deterministic. Thread-safe.
 */
public final class ModemEndpoint implements Closeable {
    private final QmiStream stream;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private byte[] buf = new byte[4096];
    private int head;
    private int tail;
    private boolean closed;

    ModemEndpoint(QmiStream stream) {
        this.stream = stream;
    }

    /** Sends host bytes to the modem. */
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            if (closed) {
                throw new IOException("emulated modem endpoint is closed");
            }
            for (byte[] chunk : stream.feed(b, off, len)) {
                append(chunk);
            }
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    /**
     * Reads modem bytes: returns at least 1, 0 when the timeout passed (negative = wait
     * forever), -1 once closed and drained.
     */
    public int read(byte[] b, int off, int len, long timeoutMillis) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            long nanos = timeoutMillis < 0 ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (head == tail) {
                if (closed) {
                    return -1;
                }
                if (nanos <= 0) {
                    return 0;
                }
                try {
                    if (timeoutMillis < 0) {
                        readable.await();
                    } else {
                        nanos = readable.awaitNanos(nanos);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted reading from the emulated modem");
                }
            }
            int n = Math.min(len, tail - head);
            System.arraycopy(buf, head, b, off, n);
            head += n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes the modem wrote that the host has not read yet. */
    public int available() {
        lock.lock();
        try {
            return tail - head;
        } finally {
            lock.unlock();
        }
    }

    /** Closing wakes readers (they get -1). Like closing a cdc-wdm fd, it does not release client ids. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = ModemEndpoint.this.read(one, 0, 1, -1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                return ModemEndpoint.this.read(b, off, len, -1);
            }

            @Override
            public int available() {
                return ModemEndpoint.this.available();
            }
        };
    }

    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                ModemEndpoint.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ModemEndpoint.this.write(b, off, len);
            }
        };
    }

    private void append(byte[] chunk) {
        if (head == tail) {
            head = tail = 0;
        }
        if (tail + chunk.length > buf.length) {
            int live = tail - head;
            byte[] nb = live + chunk.length > buf.length ? new byte[Math.max(buf.length * 2, live + chunk.length)] : buf;
            System.arraycopy(buf, head, nb, 0, live);
            buf = nb;
            head = 0;
            tail = live;
        }
        System.arraycopy(chunk, 0, buf, tail, chunk.length);
        tail += chunk.length;
    }
}
