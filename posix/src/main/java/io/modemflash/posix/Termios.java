package io.modemflash.posix;

import com.sun.jna.Memory;

import java.io.IOException;
import java.util.Map;

/** termios for ttys and ptys: raw 8N1 mode, speed, and a readable snapshot for checks. */
public final class Termios {
    private Termios() {
    }

    // struct termios (glibc, Linux): 4 x tcflag_t, c_line, c_cc[32], c_ispeed, c_ospeed.
    private static final int SIZE = 60;
    private static final int IFLAG = 0;
    private static final int OFLAG = 4;
    private static final int CFLAG = 8;
    private static final int LFLAG = 12;
    private static final int CC = 17;
    private static final int VTIME = 5;
    private static final int VMIN = 6;

    // Flag bits (octal, Linux asm-generic termbits).
    public static final int ICRNL = 0400;
    public static final int IXON = 02000;
    public static final int OPOST = 01;
    public static final int CSIZE = 060;
    public static final int CS8 = 060;
    public static final int CSTOPB = 0100;
    public static final int CREAD = 0200;
    public static final int PARENB = 0400;
    public static final int CLOCAL = 04000;
    public static final int CRTSCTS = 020000000000;
    public static final int ISIG = 01;
    public static final int ICANON = 02;
    public static final int ECHO = 010;

    private static final Map<Integer, Integer> SPEEDS = Map.ofEntries(
            Map.entry(9600, 015), Map.entry(19200, 016), Map.entry(38400, 017),
            Map.entry(57600, 010001), Map.entry(115200, 010002), Map.entry(230400, 010003),
            Map.entry(460800, 010004), Map.entry(921600, 010007), Map.entry(3000000, 010015),
            Map.entry(4000000, 010017));

    /** The flags of a tty at one moment. */
    public record Attributes(int iflag, int oflag, int cflag, int lflag, int vmin, int vtime) {
        /** No echo, no canonical line editing, no signals, no output processing, 8 bits, no parity. */
        public boolean isRaw() {
            return (lflag & (ECHO | ICANON | ISIG)) == 0 && (oflag & OPOST) == 0
                    && (iflag & (ICRNL | IXON)) == 0 && (cflag & CSIZE) == CS8 && (cflag & PARENB) == 0;
        }
    }

    public static Attributes get(PosixFd fd) throws IOException {
        try (Memory t = new Memory(SIZE)) {
            read(fd, t);
            return new Attributes(t.getInt(IFLAG), t.getInt(OFLAG), t.getInt(CFLAG), t.getInt(LFLAG),
                    t.getByte(CC + VMIN) & 0xff, t.getByte(CC + VTIME) & 0xff);
        }
    }

    /**
     * Raw mode as cfmakeraw does it, plus 8N1, receiver on, modem lines ignored, no flow
     * control; reads return as soon as one byte is there (VMIN 1, VTIME 0). Speed unchanged.
     */
    public static void makeRaw(PosixFd fd) throws IOException {
        makeRaw(fd, 0, 1, 0);
    }

    /**
     * Opens a tty already in raw 8N1 mode (VMIN 1, VTIME 0, 9600 baud: a USB tty ignores the
     * speed): the termios is built before the open and applied by the open's next system call
     * ({@link PosixFd#openTty}), so no byte that arrives after the open returns meets the
     * default cooked, echoing line discipline. Bytes a usb-serial device sends during the first
     * open of its minor still can (the kernel runs the line discipline inside open(), and resets
     * a minor's termios for each new device): a device that speaks first is better claimed
     * over USB.
     */
    public static PosixFd openRaw(java.nio.file.Path tty) throws IOException {
        try (Memory t = new Memory(SIZE)) {
            t.clear();
            raw(t, 1, 0);
            if (LibC.cfsetspeed(t, SPEEDS.get(9600)) < 0) {
                throw PosixException.last("cfsetspeed", tty.toString());
            }
            return PosixFd.openTty(tty, t);
        }
    }

    /**
     * Raw 8N1 with the given speed (0 = keep) and VMIN/VTIME. On a pty master this sets the
     * slave side's termios (Linux forwards it).
     */
    public static void makeRaw(PosixFd fd, int baud, int vmin, int vtime) throws IOException {
        if (vmin < 0 || vmin > 255 || vtime < 0 || vtime > 255) {
            throw new IllegalArgumentException("VMIN/VTIME must be 0..255");
        }
        Integer speed = null;
        if (baud != 0) {
            speed = SPEEDS.get(baud);
            if (speed == null) {
                throw new IllegalArgumentException("unsupported baud rate " + baud + "; one of " + SPEEDS.keySet());
            }
        }
        try (Memory t = new Memory(SIZE)) {
            read(fd, t);
            raw(t, vmin, vtime);
            if (speed != null && LibC.cfsetspeed(t, speed) < 0) {
                throw PosixException.last("cfsetspeed", fd.name());
            }
            if (LibC.tcsetattr(fd.fd(), 0 /* TCSANOW */, t) < 0) {
                throw PosixException.last("tcsetattr", fd.name());
            }
        }
    }

    /** cfmakeraw, then 8N1, receiver on, modem lines ignored, no flow control, VMIN/VTIME. */
    private static void raw(Memory t, int vmin, int vtime) {
        LibC.cfmakeraw(t);
        t.setInt(CFLAG, (t.getInt(CFLAG) & ~(CSTOPB | PARENB | CRTSCTS | CSIZE)) | CS8 | CREAD | CLOCAL);
        t.setByte(CC + VMIN, (byte) vmin);
        t.setByte(CC + VTIME, (byte) vtime);
    }

    private static void read(PosixFd fd, Memory t) throws IOException {
        if (!fd.isOpen()) {
            throw new FdClosedException(fd.name());
        }
        if (LibC.tcgetattr(fd.fd(), t) < 0) {
            throw PosixException.last("tcgetattr", fd.name());
        }
    }
}
