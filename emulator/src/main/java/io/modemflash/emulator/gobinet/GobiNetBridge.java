package io.modemflash.emulator.gobinet;

import io.modemflash.posix.Errno;
import io.modemflash.posix.PosixException;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The emulated GobiNet driver ({@link GobiNetDriver}) behind one byte stream, for a character
 * device served elsewhere: on the bench, QEMU carries the stream to a virtio-serial port of
 * the guest, where bench/vbench/qcqmi-cuse.c makes /dev/qcqmi0 of it through CUSE. The files
 * opened on that device are multiplexed: requests name their file, and are answered one at a
 * time in order. Request: u8 op, u32 file, u32 a, u64 b, u32 length, data; reply: i32 result
 * (&gt;= 0, or -errno), u32 length, data; all little-endian. Ops: 0 open (result: the file), 1
 * ioctl with a value (a = request, b = value), 2 ioctl with a buffer (a = request; data in,
 * data out), 3 write (data = one SDU), 4 poll for input (b = timeout ms; result 1 or 0), 5 read
 * (a = buffer size; data = one SDU, or -EOVERFLOW), 6 close.
 */
public final class GobiNetBridge implements Closeable {
    static final int OPEN = 0;
    static final int IOCTL_VALUE = 1;
    static final int IOCTL_BUFFER = 2;
    static final int WRITE = 3;
    static final int POLL = 4;
    static final int READ = 5;
    static final int CLOSE = 6;
    /** The longest a poll may hold the stream (every file shares it). */
    static final long MAX_POLL_MILLIS = 200;

    private final GobiNetDriver driver;
    private final Path socket;
    private final Duration wait;
    private final Consumer<String> log;
    private final Thread thread;
    private volatile boolean closed;
    private volatile SocketChannel channel;

    private GobiNetBridge(GobiNetDriver driver, Path socket, Duration wait, Consumer<String> log) {
        this.driver = driver;
        this.socket = socket;
        this.wait = wait;
        this.log = log;
        this.thread = new Thread(this::run, "gobinet-bridge " + socket);
        thread.setDaemon(true);
    }

    /**
     * Connects to the unix socket (QEMU's -chardev socket,server=on; retried while it does not
     * exist) and serves it; when the other end goes, connects again.
     */
    public static GobiNetBridge connect(GobiNetDriver driver, Path socket, Duration wait, Consumer<String> log) {
        GobiNetBridge b = new GobiNetBridge(driver, socket, wait, log);
        b.thread.start();
        return b;
    }

    private void run() {
        while (!closed) {
            long deadline = System.nanoTime() + wait.toNanos();
            SocketChannel c = null;
            while (!closed && c == null) {
                try {
                    c = SocketChannel.open(StandardProtocolFamily.UNIX);
                    c.connect(UnixDomainSocketAddress.of(socket));
                } catch (IOException e) {
                    closeQuietly(c);
                    c = null;
                    if (System.nanoTime() > deadline) {
                        log.accept("emulator: GobiNet bridge: nobody at " + socket + " (" + e.getMessage() + ")");
                        return;
                    }
                    sleep(100);
                }
            }
            if (c != null) {
                channel = c;
                serve(c);
            }
        }
    }

    /** Serves one stream until it ends; the files it opened are closed then (their client ids released). */
    void serve(SocketChannel c) {
        Map<Integer, Integer> files = new HashMap<>();
        int next = 1;
        try (c; DataInputStream in = new DataInputStream(Channels.newInputStream(c));
             DataOutputStream out = new DataOutputStream(Channels.newOutputStream(c))) {
            while (true) {
                int op = in.readUnsignedByte();
                int file = Integer.reverseBytes(in.readInt());
                int a = Integer.reverseBytes(in.readInt());
                long b = Long.reverseBytes(in.readLong());
                byte[] data = new byte[Integer.reverseBytes(in.readInt())];
                in.readFully(data);
                int result;
                byte[] reply = new byte[0];
                try {
                    Integer h = files.get(file);
                    if (op == OPEN) {
                        files.put(next, driver.open(socket));
                        result = next++;
                    } else if (h == null) {
                        result = -Errno.EBADF;
                    } else {
                        switch (op) {
                            case IOCTL_VALUE -> result = driver.ioctl(h, Integer.toUnsignedLong(a), b);
                            case IOCTL_BUFFER -> {
                                result = driver.ioctl(h, Integer.toUnsignedLong(a), data);
                                reply = data;
                            }
                            case WRITE -> {
                                driver.write(h, data);
                                result = data.length;
                            }
                            case POLL -> result = driver.pollIn(h, Math.min(b, MAX_POLL_MILLIS)) ? 1 : 0;
                            case READ -> {
                                byte[] buf = new byte[a];
                                int n = driver.read(h, buf);
                                reply = java.util.Arrays.copyOf(buf, n);
                                result = n;
                            }
                            case CLOSE -> {
                                driver.close(files.remove(file));
                                result = 0;
                            }
                            default -> result = -Errno.EINVAL;
                        }
                    }
                } catch (PosixException e) {
                    result = -e.errno();
                } catch (IllegalStateException e) {
                    result = -Errno.EAGAIN; // a read before a poll said there is input: the device program's bug
                    log.accept("emulator: GobiNet bridge: " + e.getMessage());
                }
                out.writeInt(Integer.reverseBytes(result));
                out.writeInt(Integer.reverseBytes(reply.length));
                out.write(reply);
                out.flush();
            }
        } catch (EOFException e) {
            // the other end went away
        } catch (IOException e) {
            if (!closed) {
                log.accept("emulator: GobiNet bridge: " + e.getMessage());
            }
        } finally {
            files.values().forEach(driver::close);
        }
    }

    private static void closeQuietly(SocketChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }
}
