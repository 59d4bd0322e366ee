package io.modemflash.updater.pipeline;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.discovery.SystemRoots;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One process per modem: an exclusive lock on the modem's USB port, held from the moment the
 * modem is named until the command ends, download mode included. The port is what every
 * name of the modem leads to (cdc-wdm, tty, port path, the download tty), so a second run
 * naming the modem any way is refused with the holder's pid (exit 4). Lock files live in
 * /run/lock/modemflash (else the temporary directory) whatever --state-dir says; the kernel
 * drops the lock when the holder dies, even by SIGKILL.
 */
public final class PortLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private PortLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code port} under {@code roots} (an emulator's tree has its own ports).
     *
     * @param what what this process does with the modem, shown to the one refused ("update fw.spk")
     * @throws Failure DEVICE_BUSY naming the holder
     */
    public static PortLock acquire(SystemRoots roots, String port, String what) {
        Path file = dir().resolve(name(roots, port));
        FileChannel ch = null;
        try {
            Files.createDirectories(file.getParent());
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // this very process holds it
            }
            if (l == null) {
                String holder = holder(ch);
                ch.close();
                throw new Failure(ExitCode.DEVICE_BUSY, "the modem on USB port " + port + " is being worked on by "
                        + "another modemflash (" + holder + "); one process per modem: wait for it to finish");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ": " + what + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return new PortLock(ch, l);
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing held
                }
            }
            throw new Failure(ExitCode.DEVICE_BUSY, "cannot lock the modem on USB port " + port + " (" + file + ": "
                    + e.getMessage() + ")", e);
        }
    }

    /** The holder's line ("pid 1234: update fw.spk"); it may still be writing it. */
    private static String holder(FileChannel ch) throws IOException {
        for (int i = 0; i < 20; i++) {
            ByteBuffer b = ByteBuffer.allocate(512);
            ch.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
            if (!s.isEmpty()) {
                return s;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return "pid unknown";
    }

    static Path dir() {
        Path run = Path.of("/run/lock");
        return Files.isDirectory(run) && Files.isWritable(run) ? run.resolve("modemflash")
                : Path.of(System.getProperty("java.io.tmpdir"), "modemflash-locks");
    }

    /** "usb-2-1.4.lock" on the real system; the emulator's trees get a name of their own per tree. */
    private static String name(SystemRoots roots, String port) {
        if (roots.sys().equals(Path.of("/sys"))) {
            return "usb-" + port + ".lock";
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(roots.sys().toString()
                    .getBytes(StandardCharsets.UTF_8));
            return "usb-" + port + "-" + HexFormat.of().formatHex(h, 0, 6) + ".lock";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the kernel drops it with the descriptor anyway
        }
    }
}
