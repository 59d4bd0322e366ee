package io.modemflash.qdl.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Double buffering for image streaming: a background thread reads the next chunk of the
 * image into the second buffer while the caller writes the current one to the device, so
 * disk (or decompression) time overlaps link time. Two buffers, so memory stays at
 * 2 x (headroom + chunkSize) whatever the image size.
 *
 * <pre>
 * try (ChunkPrefetcher p = new ChunkPrefetcher(in, size, 1 &lt;&lt; 20, 0)) {
 *     for (ChunkPrefetcher.Chunk c; (c = p.next()) != null; p.release(c)) {
 *         link.write(c.buffer(), c.headroom(), c.length());
 *     }
 * }
 * </pre>
 */
public final class ChunkPrefetcher implements AutoCloseable {

    /** One filled buffer: data at [headroom, headroom + length); headroom is for a header. */
    public static final class Chunk {
        private final byte[] buffer;
        private final int headroom;
        private int length;
        private long offset;
        private boolean last;

        Chunk(int headroom, int capacity) {
            this.buffer = new byte[headroom + capacity];
            this.headroom = headroom;
        }

        public byte[] buffer() {
            return buffer;
        }

        public int headroom() {
            return headroom;
        }

        public int length() {
            return length;
        }

        /** Offset of this chunk's first byte in the image. */
        public long offset() {
            return offset;
        }

        public boolean last() {
            return last;
        }
    }

    private static final Chunk END = new Chunk(0, 0);

    private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(2);
    private final BlockingQueue<Object> filled = new ArrayBlockingQueue<>(3);
    private final Thread reader;
    private volatile boolean closed;
    private boolean finished;

    /**
     * @param source    the image bytes (read exactly {@code total} of them)
     * @param total     bytes to deliver; an earlier end of stream is an error
     * @param chunkSize bytes per chunk (the last one may be shorter)
     * @param headroom  bytes left free before the data in every buffer (e.g. for a header)
     */
    public ChunkPrefetcher(InputStream source, long total, int chunkSize, int headroom) {
        if (chunkSize <= 0 || headroom < 0 || total < 0) {
            throw new IllegalArgumentException("bad chunk geometry");
        }
        // Full chunk capacity even for small images: callers pad the tail in place (sectors).
        int capacity = chunkSize;
        free.add(new Chunk(headroom, capacity));
        free.add(new Chunk(headroom, capacity));
        reader = new Thread(() -> fill(source, total, capacity), "modemflash-prefetch");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Prefetches {@code length} bytes of a file from {@code position} with positional reads:
     * the channel's own position is neither used nor moved, so one channel can serve several
     * ranges (sparse chunks) in turn.
     */
    public static ChunkPrefetcher of(FileChannel channel, long position, long length, int chunkSize, int headroom) {
        return new ChunkPrefetcher(new ChannelRangeStream(channel, position, length), length, chunkSize, headroom);
    }

    private void fill(InputStream source, long total, int chunkSize) {
        long done = 0;
        try {
            while (done < total) {
                Chunk c = free.take();
                if (closed) {
                    return;
                }
                int want = (int) Math.min(chunkSize, total - done);
                int got = 0;
                while (got < want) {
                    int n = source.read(c.buffer, c.headroom + got, want - got);
                    if (n < 0) {
                        throw new IOException("image ended early: " + (done + got) + " of " + total + " bytes");
                    }
                    got += n;
                }
                c.length = got;
                c.offset = done;
                done += got;
                c.last = done == total;
                filled.put(c);
            }
            filled.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            filled.offer(e);
        }
    }

    /** The next chunk in image order, or null after the last one. Blocks while it is read. */
    public Chunk next() throws IOException {
        if (finished) {
            return null;
        }
        Object o;
        try {
            o = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the image");
        }
        if (o == END) {
            finished = true;
            return null;
        }
        if (o instanceof IOException e) {
            finished = true;
            throw new IOException(e.getMessage(), e);
        }
        if (o instanceof RuntimeException e) {
            finished = true;
            throw new IOException("reading the image failed: " + e, e);
        }
        return (Chunk) o;
    }

    /** Hands a chunk back once its bytes are written, so the reader can refill it. */
    public void release(Chunk c) {
        if (c != null && c != END) {
            free.offer(c);
        }
    }

    /**
     * Stops the reader. It is woken through its queue rather than interrupted: an interrupt
     * during a FileChannel read would close the caller's channel.
     */
    @Override
    public void close() {
        closed = true;
        free.offer(new Chunk(0, 0));
    }
}
