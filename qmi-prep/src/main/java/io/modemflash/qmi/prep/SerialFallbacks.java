package io.modemflash.qmi.prep;

import io.modemflash.posix.PosixFd;
import io.modemflash.posix.Termios;
import io.modemflash.qmi.DeviceGoneException;
import io.modemflash.qmi.DeviceNotFoundException;
import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.QmiTimeoutException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The last resorts of PROTOCOLS.md 1.5 when QMI cannot switch a modem to download mode:
 * {@code AT!BOOTHOLD} on a Sierra modem's AT tty (115200 8N1; OEM-branded parts need
 * {@code AT!ENTERCND="A710"} first), and the QCDM download command on a Qualcomm part's DIAG
 * tty (the device echoes it and drops off the bus into EDL).
 */
public final class SerialFallbacks {
    private SerialFallbacks() {
    }

    /** QCDM "download" (0x4B 0x65 0x01 0x00) HDLC-framed with its CRC, as PROTOCOLS.md 1.5 gives it. */
    private static final byte[] QCDM_DOWNLOAD = {0x4b, 0x65, 0x01, 0x00, 0x54, 0x0f, 0x7e};

    public static byte[] qcdmDownloadFrame() {
        return QCDM_DOWNLOAD.clone();
    }

    /** Sends AT!BOOTHOLD (after AT!ENTERCND="A710" when asked) and waits for OK; the modem then resets itself. */
    public static void atBootHold(Path atTty, boolean enterCnd, Duration okTimeout) throws QmiException {
        try (PosixFd fd = open(atTty)) {
            fd.discardInput();
            if (enterCnd) {
                command(fd, atTty, "AT!ENTERCND=\"A710\"", okTimeout);
            }
            command(fd, atTty, "AT!BOOTHOLD", okTimeout);
        } catch (QmiException e) {
            throw e;
        } catch (IOException e) {
            throw new DeviceGoneException(atTty + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends the QCDM download command on the DIAG tty. Success: the device echoes the frame or
     * drops off (the port ends or errors) within the timeout.
     */
    public static void qcdmDownload(Path dmTty, Duration echoTimeout) throws QmiException {
        try (PosixFd fd = open(dmTty)) {
            fd.discardInput();
            fd.write(QCDM_DOWNLOAD);
            byte[] got = new byte[256];
            int n = 0;
            long end = System.nanoTime() + echoTimeout.toNanos();
            while (n < got.length) {
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                int r;
                try {
                    r = fd.read(got, n, got.length - n, left);
                } catch (IOException e) {
                    return; // EIO: the device left the bus, as it does on its way to EDL
                }
                if (r < 0) {
                    return;
                }
                n += r;
                if (indexOf(got, n, QCDM_DOWNLOAD) >= 0) {
                    return;
                }
            }
            throw new QmiTimeoutException(dmTty + " did not echo the QCDM download command within "
                    + echoTimeout.toMillis() + " ms (got " + n + " bytes): not a DIAG port?");
        } catch (QmiException e) {
            throw e;
        } catch (IOException e) {
            throw new DeviceGoneException(dmTty + ": " + e.getMessage(), e);
        }
    }

    private static PosixFd open(Path tty) throws QmiException {
        try {
            PosixFd fd = PosixFd.open(tty);
            try {
                if (fd.isatty()) {
                    Termios.makeRaw(fd, 115200, 0, 0);
                }
            } catch (IOException e) {
                fd.close();
                throw e;
            }
            return fd;
        } catch (IOException e) {
            throw new DeviceNotFoundException("cannot open " + tty + ": " + e.getMessage(), e);
        }
    }

    private static void command(PosixFd fd, Path tty, String cmd, Duration timeout) throws IOException,
            QmiException {
        fd.write((cmd + "\r").getBytes(StandardCharsets.US_ASCII));
        StringBuilder reply = new StringBuilder();
        byte[] b = new byte[128];
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new QmiTimeoutException(tty + ": no OK to " + cmd + " within " + timeout.toMillis() + " ms"
                        + (reply.isEmpty() ? "" : " (got '" + reply.toString().trim() + "')"));
            }
            int n = fd.read(b, 0, b.length, left);
            if (n < 0) {
                throw new DeviceGoneException(tty + " closed while waiting for the answer to " + cmd, null);
            }
            reply.append(new String(b, 0, n, StandardCharsets.US_ASCII));
            for (String line : reply.toString().split("\r\n|\r|\n")) {
                String l = line.trim();
                if (l.equals("OK")) {
                    return;
                }
                if (l.equals("ERROR") || l.startsWith("+CME ERROR")) {
                    throw new NoDownloadMethodException(tty + ": the modem answered " + l + " to " + cmd
                            + (cmd.equals("AT!BOOTHOLD") ? " (OEM-branded parts need AT!ENTERCND=\"A710\" first)" : ""));
                }
            }
        }
    }

    private static int indexOf(byte[] hay, int len, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= len; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
