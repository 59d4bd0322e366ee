package io.modemflash.qdl.link;

import io.modemflash.posix.PosixFd;
import io.modemflash.posix.Termios;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Bench harness, not a test (virtual bench scenario 07-tty-echo): how often does opening a
 * real usb-serial tty let the kernel's line discipline process the device's first bytes before
 * raw mode is set? A device player on the host streams Sahara HELLOs while this side opens the
 * tty and counts what comes back (echo); this side reads one HELLO's worth and reports whether
 * it is an unaltered run of the stream. Before every round the tty is set back to the kernel's cooked defaults
 * (stty sane), so that each open is like the first open of a new minor; the primed methods
 * instead leave raw mode from an earlier open (primed-replug: and re-enumerate the device in
 * between, as a modem does into download mode, to see the minor's termios survive it).
 *
 * <pre>java -cp modemflash.jar:qdl/target/test-classes io.modemflash.qdl.link.TtyOpenEchoProbe
 *     /dev/ttyUSB0 ROUNDS open-then-raw|raw-on-open|primed|primed-replug SYNC_DIR HELLO_HEX</pre>
 */
public final class TtyOpenEchoProbe {
    private TtyOpenEchoProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path tty = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        String method = args[2];
        Path sync = Path.of(args[3]);
        byte[] hello = HexFormat.of().parseHex(args[4]);
        int intact = 0;
        for (int i = 0; i < rounds; i++) {
            String round = method + "-" + i;
            // primed: raw mode set on an earlier open (usb-serial keeps a minor's termios)
            stty(tty, method.startsWith("primed") ? "raw" : "sane");
            if (method.endsWith("replug")) {
                // the device re-enumerates, as a modem does into download mode
                Files.writeString(sync.resolve("replug-" + round), "");
                await(sync.resolve("replugged-" + round));
                Thread.sleep(500);
                await(tty);
            }
            Files.writeString(sync.resolve("arm-" + round), "");
            await(sync.resolve("armed-" + round));
            byte[] got = readFirstBytes(tty, method, hello.length);
            boolean same = intact(got, hello);
            intact += same ? 1 : 0;
            String line = round + " " + (same ? "intact" : "differs") + " " + HexFormat.of().formatHex(got);
            System.out.println(line);
            Files.writeString(sync.resolve("done-" + round), line + "\n");
        }
        System.out.println(method + ": " + intact + " of " + rounds + " HELLOs read intact");
    }

    private static byte[] readFirstBytes(Path tty, String method, int want) throws IOException {
        PosixFd fd;
        if (!method.equals("open-then-raw")) {
            fd = Termios.openRaw(tty); // what TtyLink.open does
        } else {
            fd = PosixFd.open(tty); // what TtyLink.open did before: open, then raw mode
            Termios.makeRaw(fd);
        }
        try (TtyLink link = TtyLink.adopt(fd, tty.toString())) {
            byte[] buf = new byte[want];
            int n = 0;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (n < want && System.nanoTime() < deadline) {
                n += link.read(buf, n, want - n, Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
            return Arrays.copyOf(buf, n);
        }
    }

    private static void stty(Path tty, String mode) throws Exception {
        Process p = new ProcessBuilder("stty", "-F", tty.toString(), mode).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("stty " + mode + " failed");
        }
    }

    /** The device streams HELLOs back to back: what was read must be an unaltered run of that stream. */
    private static boolean intact(byte[] got, byte[] hello) {
        if (got.length < hello.length) {
            return false;
        }
        String stream = HexFormat.of().formatHex(hello).repeat(3);
        String read = HexFormat.of().formatHex(got);
        for (int at = 0; at < hello.length * 2; at += 2) {
            if (stream.startsWith(read, at)) {
                return true;
            }
        }
        return false;
    }

    private static void await(Path file) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the device player did not answer: no " + file);
            }
            Thread.sleep(20);
        }
    }
}
