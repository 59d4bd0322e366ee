package io.modemflash.emulator.boot;

import io.modemflash.qdl.link.DeviceGoneException;
import io.modemflash.qdl.link.Link;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The device end of a download-mode link as the targets use it: a pushback buffer (a tty
 * may merge what the host sent), image-byte accounting and the stage hooks where
 * disconnect and stall faults strike. A device never times out waiting for its host.
 */
final class DeviceIo {
    private static final long POLL_MS = 200;
    /** What one read takes while watching for tty echo (a handshake packet fits). */
    private static final int ECHO_CHUNK = 256;
    /** How long a lone byte that may begin an echo waits for the next one. */
    private static final long ECHO_SETTLE_MS = 50;

    private final Link link;
    private final BootFaults faults;
    private final BooleanSupplier stopping;
    private final boolean transferBoundaries;
    private final boolean packets;
    private final Runnable beforeUnplug;
    private final Consumer<String> log;
    private final java.util.function.LongConsumer unplugged;
    private TtyEcho echo;
    private byte[] echoAnswer;
    private boolean echoReported;
    private byte[] pending = new byte[0];
    private int pendingOff;
    private long downloaded;
    private final java.util.function.LongSupplier bytesPerSecond;
    private long pacedRate;
    private long pacedBytes;
    private long pacedSince;

    /**
     * @param beforeUnplug   the port's last word before an injected disconnect drops the link
     * @param unplugged      told how long (ms) an injected unplug keeps the device off the bus
     * @param bytesPerSecond how fast the device takes what the host sends (a slow link or flash),
     *                       read as it goes; 0: as fast as it comes
     */
    DeviceIo(Link link, BootFaults faults, BooleanSupplier stopping, boolean transferBoundaries, boolean packets,
             Runnable beforeUnplug, java.util.function.LongConsumer unplugged, Consumer<String> log,
             java.util.function.LongSupplier bytesPerSecond) {
        this.packets = packets;
        this.bytesPerSecond = bytesPerSecond;
        this.link = link;
        this.log = log;
        this.unplugged = unplugged;
        this.beforeUnplug = beforeUnplug;
        this.faults = faults;
        this.stopping = stopping;
        this.transferBoundaries = transferBoundaries;
    }

    /** True on a USB-like link: each read returns at most one host transfer. */
    boolean transferBoundaries() {
        return transferBoundaries;
    }

    /** True when transfers end at short packets, not at host writes (see {@link UsbPort#deviceSeesPackets}). */
    boolean packets() {
        return packets;
    }

    BootFaults faults() {
        return faults;
    }

    /** Whatever arrives next (at least one byte), waiting as long as it takes. */
    int read(byte[] b, int off, int len) throws IOException, BootExit {
        while (true) {
            int n = read(b, off, len, POLL_MS);
            if (n > 0) {
                return n;
            }
        }
    }

    /** Up to len bytes, 0 when nothing arrived within timeoutMs. */
    int read(byte[] b, int off, int len, long timeoutMs) throws IOException, BootExit {
        if (pendingOff < pending.length) {
            int c = Math.min(len, pending.length - pendingOff);
            System.arraycopy(pending, pendingOff, b, off, c);
            pendingOff += c;
            return c;
        }
        if (stopping.getAsBoolean()) {
            throw new BootExit(BootExit.Outcome.STOPPED, "emulator stopping");
        }
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        try {
            if (echo == null) {
                int n = link.read(b, off, len, timeoutMs);
                pace(n);
                return n;
            }
            // watching for echo: read what is there (a target may read byte by byte), drop the echo, keep the rest
            byte[] chunk = new byte[Math.max(len, ECHO_CHUNK)];
            while (true) {
                int n = link.read(chunk, 0, chunk.length, Math.max(0, (end - System.nanoTime()) / 1_000_000L));
                // one echoed character may come per USB transfer: gather enough to tell echo from a poke
                long settle = System.nanoTime() + ECHO_SETTLE_MS * 1_000_000L;
                while (n > 0 && echo.undecided(chunk, 0, n) && System.nanoTime() < settle) {
                    n += link.read(chunk, n, chunk.length - n, Math.max(1, (settle - System.nanoTime()) / 1_000_000L));
                }
                pace(n);
                if (n > 0) {
                    n = dropEcho(chunk, 0, n);
                }
                if (n > 0) {
                    int c = Math.min(len, n);
                    System.arraycopy(chunk, 0, b, off, c);
                    if (c < n) {
                        unread(chunk, c, n - c);
                    }
                    return c;
                }
                if (System.nanoTime() >= end) {
                    return 0;
                }
            }
        } catch (DeviceGoneException e) {
            throw new BootExit(BootExit.Outcome.DOWNLOAD, "host closed the port");
        }
    }

    // ------------------------------------------------------------------ tty echo

    /**
     * From now until {@link #stopWatchingEcho}, bytes that are the host's tty echoing the
     * device's own output are noticed, reported on the log and kept from the target. With the
     * strict-echo fault the device also answers them with {@code strictAnswer} (once), as a
     * strict boot ROM that takes them for a malformed command would.
     */
    void watchEcho(byte[] strictAnswer) {
        echo = new TtyEcho();
        echoAnswer = strictAnswer;
        echoReported = false;
    }

    /** The handshake is done: the host's tty is raw by now. */
    void stopWatchingEcho() {
        echo = null;
    }

    /** Removes leading echo from what was read; returns the bytes left. */
    private int dropEcho(byte[] b, int off, int n) throws IOException, BootExit {
        int k = echo.echoPrefix(b, off, n);
        if (k == 0) {
            return n;
        }
        if (!echoReported) {
            echoReported = true;
            boolean strict = faults.strictEcho();
            log.accept("emulator: the host echoed the device's own output back ("
                    + HexFormat.ofDelimiter(" ").formatHex(b, off, off + Math.min(k, 16)) + (k > 16 ? " ..." : "")
                    + "): its tty was not in raw mode when the device spoke; "
                    + (strict ? "answered with an error, as a strict boot ROM does" : "ignored"));
            if (strict) {
                write(echoAnswer);
            }
        }
        System.arraycopy(b, off + k, b, off, n - k);
        return n - k;
    }

    /** Holds the device back to bytesPerSecond on average, as a slow link would. */
    private void pace(int n) throws IOException {
        long rate = bytesPerSecond.getAsLong();
        if (rate <= 0 || n <= 0) {
            pacedBytes = 0;
            return;
        }
        long now = System.nanoTime();
        if (pacedBytes == 0 || rate != pacedRate) {
            pacedSince = now; // a new rate counts from now
            pacedBytes = 0;
            pacedRate = rate;
        }
        pacedBytes += n;
        long due = pacedSince + pacedBytes * 1_000_000_000L / rate;
        if (due > now) {
            try {
                Thread.sleep((due - now) / 1_000_000L, (int) ((due - now) % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
        }
    }

    void readFully(byte[] b, int off, int len) throws IOException, BootExit {
        int got = 0;
        while (got < len) {
            got += read(b, off + got, len - got);
        }
    }

    /** Puts bytes back in front of what arrives next. */
    void unread(byte[] b, int off, int len) {
        byte[] rest = Arrays.copyOfRange(pending, pendingOff, pending.length);
        byte[] n = new byte[len + rest.length];
        System.arraycopy(b, off, n, 0, len);
        System.arraycopy(rest, 0, n, len, rest.length);
        pending = n;
        pendingOff = 0;
    }

    void write(byte[] b) throws IOException, BootExit {
        write(b, 0, b.length);
    }

    void write(byte[] b, int off, int len) throws IOException, BootExit {
        if (echo != null) {
            echo.deviceWrote(b, off, len);
        }
        try {
            link.write(b, off, len);
        } catch (DeviceGoneException e) {
            throw new BootExit(BootExit.Outcome.DOWNLOAD, "host closed the port");
        }
    }

    /** Called when a stage starts: an injected disconnect or stall strikes here. */
    void stage(String name) throws IOException, BootExit {
        if (faults.disconnectAt(name)) {
            disconnect("injected disconnect at " + name);
        }
        if (faults.stallAt(name)) {
            stall();
        }
    }

    /** Image bytes received (program data, QDL chunks): disconnect:download:N strikes here. */
    void downloaded(long n) throws IOException, BootExit {
        if (downloaded == 0 && n > 0) {
            stage("download"); // the first image bytes of this session arrived
        }
        downloaded += n;
        if (faults.disconnectAfter(downloaded)) {
            disconnect("injected disconnect after " + downloaded + " image bytes");
        }
        long away = faults.unplugAfter(downloaded);
        if (away >= 0) {
            unplugged.accept(away);
            disconnect("injected unplug after " + downloaded + " image bytes, back in " + away / 1000 + " s");
        }
    }

    private void disconnect(String why) throws IOException, BootExit {
        beforeUnplug.run();
        if (link instanceof Unpluggable u) {
            u.unplug();
        } else {
            link.close();
        }
        throw new BootExit(BootExit.Outcome.DOWNLOAD, why);
    }

    /** Stops answering: swallows whatever arrives until the host gives up and closes. */
    private void stall() throws IOException, BootExit {
        byte[] sink = new byte[64 * 1024];
        while (true) {
            read(sink, 0, sink.length);
        }
    }
}
