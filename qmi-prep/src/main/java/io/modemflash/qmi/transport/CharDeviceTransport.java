package io.modemflash.qmi.transport;

import io.modemflash.posix.Errno;
import io.modemflash.posix.Posix;
import io.modemflash.posix.PosixException;
import io.modemflash.posix.PosixFd;
import io.modemflash.posix.Termios;
import io.modemflash.qmi.DeviceAccessDeniedException;
import io.modemflash.qmi.DeviceBusyException;
import io.modemflash.qmi.DeviceNotFoundException;
import io.modemflash.qmi.NotQmiPortException;
import io.modemflash.qmi.QmiException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.util.List;

/**
 * QMUX over a character device: /dev/cdc-wdm* (qmi_wwan), or a tty/pty carrying QMUX (the
 * emulator). Opened O_RDWR|O_NOCTTY|O_NONBLOCK; reads are poll-based and close() wakes them.
 * Whether the port really speaks QMI is proved later by CTL Sync (see QmiDevice). Refuses a
 * port another process holds (see {@link PortHolders}): it would read our answers.
 */
public final class CharDeviceTransport extends FdTransport {

    /** A holder seen this many times, this far apart, is real (not a peer closing the port just now). */
    private static final int BUSY_CHECKS = 3;
    private static final long BUSY_RECHECK_MILLIS = 100;
    private static final int USBMISC_MAJOR = 180;

    private CharDeviceTransport(PosixFd fd, String name) {
        super(fd, name);
    }

    /** A character device never ends on its own: EOF before any frame means it is not a QMI port (/dev/null). */
    @Override
    protected boolean eofBeforeFrameMeansNotQmi() {
        return true;
    }

    public static CharDeviceTransport open(Path path) throws QmiException {
        return new CharDeviceTransport(openPort(path), path.toString());
    }

    /**
     * Opens a modem control port as every transport on a character device needs it: a
     * character device, held by no other process (for ttys and cdc-wdm nodes), a tty in raw
     * mode. Shared with the MBIM and GobiNet transports.
     */
    public static PosixFd openPort(Path path) throws QmiException {
        String p = path.toString();
        checkCharDevice(path);
        PosixFd fd;
        try {
            fd = PosixFd.open(path);
        } catch (PosixException e) {
            throw openFailure(p, e);
        }
        try {
            boolean tty = fd.isatty();
            // Only ports a modem can have: /dev/null is open in half the processes and is no one's port.
            if (tty || isUsbMisc(path)) {
                checkNotHeld(path);
            }
            // A tty's line discipline would mangle binary QMUX (CR/LF mapping, echo): go raw.
            if (tty) {
                Termios.makeRaw(fd);
            }
        } catch (DeviceBusyException e) {
            fd.close();
            throw e;
        } catch (IOException e) {
            fd.close();
            throw new QmiException("cannot set raw mode on " + p + ": " + e.getMessage(), e);
        }
        return fd;
    }

    /** DeviceNotFoundException when the path is missing, NotQmiPortException when it is not a character device. */
    public static void checkCharDevice(Path path) throws QmiException {
        String p = path.toString();
        try {
            if (!Posix.isCharDevice(path)) {
                throw new NotQmiPortException(p + " is not a character device; expected a QMI control port such as"
                        + " /dev/cdc-wdm0");
            }
        } catch (PosixException e) {
            throw openFailure(p, e);
        }
    }

    /** usbmisc (major 180) is where the kernel puts cdc-wdm nodes. */
    private static boolean isUsbMisc(Path path) {
        try {
            return Posix.deviceNumber(path).startsWith(USBMISC_MAJOR + ":");
        } catch (PosixException e) {
            return false;
        }
    }

    /**
     * DeviceBusyException naming the holder when another process keeps the port open. Checked a
     * few times ~0.1 s apart: ModemManager's qmi-proxy may still hold it briefly after an inhibit.
     */
    static void checkNotHeld(Path path) throws DeviceBusyException {
        List<PortHolders.Holder> holders = PortHolders.of(path);
        for (int i = 1; i < BUSY_CHECKS && !holders.isEmpty(); i++) {
            try {
                Thread.sleep(BUSY_RECHECK_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            holders = PortHolders.of(path);
        }
        if (!holders.isEmpty()) {
            throw busy(path.toString(), holders);
        }
    }

    static DeviceBusyException busy(String path, List<PortHolders.Holder> holders) {
        PortHolders.Holder first = holders.get(0);
        String others = holders.size() > 1 ? " and " + (holders.size() - 1) + " other process(es)" : "";
        return new DeviceBusyException("device busy: " + path + " is held by " + first + others + ": stop "
                + first.command() + " or use --proxy");
    }

    public static QmiException openFailure(String path, PosixException e) {
        return switch (e.errno()) {
            case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO ->
                    new DeviceNotFoundException("no such device: " + path + " (unplugged, or renamed after a reset?)", e);
            case Errno.EBUSY -> new DeviceBusyException("device busy: stop ModemManager or use --proxy (" + path + ")", e);
            case Errno.EACCES, Errno.EPERM -> accessDenied(path, e);
            case Errno.ENOTDIR, Errno.EISDIR -> new NotQmiPortException(path + " is not a QMI control port", e);
            default -> new QmiException("cannot open " + path + ": " + e.getMessage(), e);
        };
    }

    static DeviceAccessDeniedException accessDenied(String path, PosixException e) {
        return new DeviceAccessDeniedException("permission denied opening " + path + ": run as root, or add your"
                + " user to the group that owns it" + owningGroup(path) + " (usually dialout for ttys, plugdev for"
                + " cdc-wdm) and log in again", e);
    }

    private static String owningGroup(String path) {
        try {
            return " ('" + ((GroupPrincipal) Files.getAttribute(Path.of(path), "posix:group")).getName() + "')";
        } catch (IOException | RuntimeException ex) {
            return "";
        }
    }
}
