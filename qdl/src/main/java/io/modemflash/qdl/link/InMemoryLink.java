package io.modemflash.qdl.link;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One end of an in-process link. {@link #pair()} gives a host end and a device end; what one
 * writes the other reads. Used by unit tests, the benchmark and the in-process emulator.
 *
 * <p>With {@code transferBoundaries} (the USB model) each write is one transfer, a read
 * returns at most one transfer (the rest of a transfer larger than the read buffer stays for
 * the next read, like a bulk IN of that size), and explicit zero-length packets travel as
 * empty transfers that the reading end swallows and counts. Without it (the tty model) the
 * pipe is a byte stream: reads merge transfers and ZLPs are not sent.
 */
public final class InMemoryLink implements Link {

    /**
     * @param maxPacketSize  wMaxPacketSize to model (512 = USB 2.0 high speed)
     * @param transferBoundaries true: USB-like transfers; false: tty-like byte stream
     * @param capacityBytes  bytes a writer may queue before it blocks (back-pressure)
     */
    public record Options(int maxPacketSize, boolean transferBoundaries, long capacityBytes) {
        public static final Options USB = new Options(512, true, 8L << 20);
        public static final Options TTY = new Options(512, false, 8L << 20);

        public Options {
            if (maxPacketSize <= 0 || capacityBytes <= 0) {
                throw new IllegalArgumentException("maxPacketSize and capacityBytes must be positive");
            }
        }
    }

    /** The two ends of a link. */
    public record Pair(InMemoryLink host, InMemoryLink device) {
    }

    public static Pair pair() {
        return pair(Options.USB);
    }

    public static Pair pair(Options options) {
        Pipe toDevice = new Pipe(options);
        Pipe toHost = new Pipe(options);
        return new Pair(new InMemoryLink("in-memory host", toHost, toDevice, options),
                new InMemoryLink("in-memory device", toDevice, toHost, options));
    }

    private final String name;
    private final Pipe in;
    private final Pipe out;
    private final Options options;
    private volatile boolean zlp;

    private InMemoryLink(String name, Pipe in, Pipe out, Options options) {
        this.name = name;
        this.in = in;
        this.out = out;
        this.options = options;
    }

    @Override
    public void write(byte[] data, int off, int len) throws IOException {
        if (len == 0) {
            return; // as on USB: an empty write sends nothing (a ZLP is the link's decision)
        }
        byte[] copy = new byte[len];
        System.arraycopy(data, off, copy, 0, len);
        out.put(copy);
        if (options.transferBoundaries() && Zlp.needed(len, options.maxPacketSize(), zlp)) {
            out.put(new byte[0]);
        }
    }

    @Override
    public int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
        return in.take(buf, off, len, timeoutMillis);
    }

    @Override
    public int maxPacketSize() {
        return options.maxPacketSize();
    }

    @Override
    public void setZeroLengthPackets(boolean enabled) {
        zlp = enabled;
    }

    @Override
    public boolean zeroLengthPackets() {
        return zlp;
    }

    /** Zero-length transfers this end received and swallowed (tests check the ZLP policy). */
    public long zeroLengthPacketsReceived() {
        return in.zeroLength();
    }

    /** Transfers (ZLPs excluded) this end received so far. */
    public long transfersReceived() {
        return in.transfers();
    }

    @Override
    public String describe() {
        return name;
    }

    /** Closing either end makes the other see a vanished device once it drained the data. */
    @Override
    public void close() {
        in.close();
        out.close();
    }

    private static final class Pipe {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        private final Options options;
        private int headOffset;
        private long queuedBytes;
        private long zeroLength;
        private long transfers;
        private boolean closed;

        Pipe(Options options) {
            this.options = options;
        }

        void put(byte[] transfer) throws IOException {
            lock.lock();
            try {
                while (!closed && !queue.isEmpty() && queuedBytes + transfer.length > options.capacityBytes()) {
                    changed.await();
                }
                if (closed) {
                    throw new DeviceGoneException("in-memory link closed");
                }
                queue.addLast(transfer);
                queuedBytes += transfer.length;
                changed.signalAll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while writing");
            } finally {
                lock.unlock();
            }
        }

        int take(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
            lock.lock();
            try {
                while (true) {
                    // Swallow zero-length completions: they carry no data for the reader.
                    while (!queue.isEmpty() && queue.peekFirst().length == 0) {
                        queue.removeFirst();
                        zeroLength++;
                        changed.signalAll();
                    }
                    if (!queue.isEmpty()) {
                        break;
                    }
                    if (closed) {
                        throw new DeviceGoneException("in-memory link closed");
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return 0;
                    }
                    changed.awaitNanos(left);
                }
                int n = 0;
                do {
                    byte[] head = queue.peekFirst();
                    if (head.length == 0) {
                        if (options.transferBoundaries()) {
                            break;
                        }
                        queue.removeFirst();
                        zeroLength++;
                        continue;
                    }
                    int c = Math.min(len - n, head.length - headOffset);
                    System.arraycopy(head, headOffset, buf, off + n, c);
                    n += c;
                    headOffset += c;
                    queuedBytes -= c;
                    if (headOffset == head.length) {
                        queue.removeFirst();
                        headOffset = 0;
                        transfers++;
                    }
                    if (options.transferBoundaries()) {
                        break;
                    }
                } while (n < len && !queue.isEmpty());
                changed.signalAll();
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading");
            } finally {
                lock.unlock();
            }
        }

        long zeroLength() {
            lock.lock();
            try {
                return zeroLength;
            } finally {
                lock.unlock();
            }
        }

        long transfers() {
            lock.lock();
            try {
                return transfers;
            } finally {
                lock.unlock();
            }
        }

        void close() {
            lock.lock();
            try {
                closed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
