package io.modemflash.qmi.transport;

import io.modemflash.posix.Errno;
import io.modemflash.posix.Posix;
import io.modemflash.posix.PosixException;
import io.modemflash.posix.PosixFd;
import io.modemflash.posix.Termios;
import io.modemflash.qmi.DeviceBusyException;
import io.modemflash.qmi.DeviceNotFoundException;
import io.modemflash.qmi.NotQmiPortException;
import io.modemflash.qmi.QmiException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * QMUX over a character device: /dev/cdc-wdm* (qmi_wwan), or a tty/pty carrying QMUX (the
 * emulator). Opened O_RDWR|O_NOCTTY|O_NONBLOCK; reads are poll-based and close() wakes them.
 * Whether the port really speaks QMI is proved later by CTL Sync (see QmiDevice).
 */
public final class CharDeviceTransport extends FdTransport {

    private CharDeviceTransport(PosixFd fd, String name) {
        super(fd, name);
    }

    public static CharDeviceTransport open(Path path) throws QmiException {
        String p = path.toString();
        checkCharDevice(path);
        PosixFd fd;
        try {
            fd = PosixFd.open(path);
        } catch (PosixException e) {
            throw openFailure(p, e);
        }
        try {
            // A tty's line discipline would mangle binary QMUX (CR/LF mapping, echo): go raw.
            if (fd.isatty()) {
                Termios.makeRaw(fd);
            }
        } catch (IOException e) {
            fd.close();
            throw new QmiException("cannot set raw mode on " + p + ": " + e.getMessage(), e);
        }
        return new CharDeviceTransport(fd, p);
    }

    /** DeviceNotFoundException when the path is missing, NotQmiPortException when it is not a character device. */
    static void checkCharDevice(Path path) throws QmiException {
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

    static QmiException openFailure(String path, PosixException e) {
        return switch (e.errno()) {
            case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO ->
                    new DeviceNotFoundException("no such device: " + path + " (unplugged, or renamed after a reset?)", e);
            case Errno.EBUSY -> new DeviceBusyException("device busy: stop ModemManager or use --proxy (" + path + ")", e);
            case Errno.EACCES, Errno.EPERM -> new QmiException("permission denied opening " + path
                    + ": run as root or get access to the device node", e);
            case Errno.ENOTDIR, Errno.EISDIR -> new NotQmiPortException(path + " is not a QMI control port", e);
            default -> new QmiException("cannot open " + path + ": " + e.getMessage(), e);
        };
    }
}
