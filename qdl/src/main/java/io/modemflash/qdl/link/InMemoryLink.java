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
 *
 * <p>A write is copied (the caller may reuse its array at once, as after a USB write); copies
 * of 64 KiB and more go into buffers the reading end hands back, so streaming allocates
 * nothing per chunk. Each direction keeps at most {@code capacityBytes} of spare buffers.
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
        byte[] copy = out.acquire(len);
        System.arraycopy(data, off, copy, 0, len);
        out.put(new Transfer(copy, len));
        if (options.transferBoundaries() && Zlp.needed(len, options.maxPacketSize(), zlp)) {
            out.put(Transfer.ZLP);
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

    /** One write: the first {@code length} bytes of {@code data} (a pooled buffer may be larger). */
    private record Transfer(byte[] data, int length) {
        static final Transfer ZLP = new Transfer(new byte[0], 0);
    }

    private static final class Pipe {
        /** Writes at least this big reuse buffers: at -Xmx64m each 1 MiB copy was a humongous G1 allocation. */
        private static final int POOLED = 64 * 1024;

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ArrayDeque<Transfer> queue = new ArrayDeque<>();
        private final ArrayDeque<byte[]> free = new ArrayDeque<>();
        private final Options options;
        private long freeBytes;
        private int headOffset;
        private long queuedBytes;
        private long zeroLength;
        private long transfers;
        private boolean closed;

        Pipe(Options options) {
            this.options = options;
        }

        /** A buffer of at least len bytes that the writer owns until it puts it. */
        byte[] acquire(int len) {
            if (len < POOLED) {
                return new byte[len];
            }
            lock.lock();
            try {
                for (var it = free.iterator(); it.hasNext(); ) {
                    byte[] b = it.next();
                    if (b.length >= len) {
                        it.remove();
                        freeBytes -= b.length;
                        return b;
                    }
                }
            } finally {
                lock.unlock();
            }
            // rounded up so that 1 MiB and 1 MiB + a 13-byte QDL header share buffers
            return new byte[(int) Math.min(Integer.MAX_VALUE - 8, ((long) len + POOLED - 1) / POOLED * POOLED)];
        }

        /** Called with the lock held once the reader consumed a transfer. Keeps at most capacity bytes. */
        private void recycle(byte[] b) {
            if (b.length >= POOLED && freeBytes + b.length <= options.capacityBytes()) {
                free.addLast(b);
                freeBytes += b.length;
            }
        }

        void put(Transfer transfer) throws IOException {
            lock.lock();
            try {
                while (!closed && !queue.isEmpty() && queuedBytes + transfer.length() > options.capacityBytes()) {
                    changed.await();
                }
                if (closed) {
                    throw new DeviceGoneException("in-memory link closed");
                }
                queue.addLast(transfer);
                queuedBytes += transfer.length();
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
                    while (!queue.isEmpty() && queue.peekFirst().length() == 0) {
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
                    Transfer head = queue.peekFirst();
                    if (head.length() == 0) {
                        if (options.transferBoundaries()) {
                            break;
                        }
                        queue.removeFirst();
                        zeroLength++;
                        continue;
                    }
                    int c = Math.min(len - n, head.length() - headOffset);
                    System.arraycopy(head.data(), headOffset, buf, off + n, c);
                    n += c;
                    headOffset += c;
                    queuedBytes -= c;
                    if (headOffset == head.length()) {
                        queue.removeFirst();
                        headOffset = 0;
                        transfers++;
                        recycle(head.data());
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
                free.clear(); // a dead link keeps no buffers
                freeBytes = 0;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
