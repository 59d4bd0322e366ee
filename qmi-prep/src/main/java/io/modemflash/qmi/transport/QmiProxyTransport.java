package io.modemflash.qmi.transport;

import io.modemflash.posix.PosixFd;
import io.modemflash.qmi.DeviceNotFoundException;
import io.modemflash.qmi.MessageKind;
import io.modemflash.qmi.QmiErrorResponseException;
import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.QmiTimeoutException;
import io.modemflash.qmi.ctl.InternalProxyOpen;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * QMUX through libqmi's qmi-proxy (abstract unix socket "qmi-proxy"), which lets ModemManager
 * and this tool share one port. The first message is CTL Internal Proxy Open (0xFF00) naming
 * the device. If nobody listens, the qmi-proxy program is started and the connect retried
 * every 100 ms, 10 times, as libqmi does ({@link ProxyProgram}).
 */
public final class QmiProxyTransport extends FdTransport {
    private static final Logger LOG = LoggerFactory.getLogger(QmiProxyTransport.class);

    public static final String DEFAULT_SOCKET = "qmi-proxy";
    static final long OPEN_TIMEOUT_MILLIS = 10_000;

    private QmiProxyTransport(PosixFd fd, String name) {
        super(fd, name);
    }

    /** Connects to the default qmi-proxy (starting it if needed) and opens devicePath through it. */
    public static QmiProxyTransport open(String devicePath) throws QmiException {
        return open(devicePath, DEFAULT_SOCKET, true);
    }

    /**
     * @param socketName abstract socket name without the leading NUL
     * @param spawn      start the qmi-proxy program when nobody listens
     */
    public static QmiProxyTransport open(String devicePath, String socketName, boolean spawn) throws QmiException {
        return open(devicePath, socketName, spawn, true);
    }

    /** checkPath=false only for tests that talk to a fake proxy about a path this machine lacks. */
    static QmiProxyTransport open(String devicePath, String socketName, boolean spawn, boolean checkPath)
            throws QmiException {
        if (checkPath) {
            // The proxy only says "closed" for a bad path; check it here to give the real reason.
            CharDeviceTransport.checkCharDevice(Path.of(devicePath));
        }
        PosixFd fd = ProxyProgram.connect("qmi-proxy", socketName, spawn, "libqmi-proxy");
        QmiProxyTransport t = new QmiProxyTransport(fd, "qmi-proxy for " + devicePath);
        try {
            t.proxyOpen(devicePath);
            return t;
        } catch (QmiException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** Where distributions install qmi-proxy (see {@link ProxyProgram#find}). */
    public static Optional<Path> findProxyProgram() {
        return ProxyProgram.find(DEFAULT_SOCKET);
    }

    private void proxyOpen(String devicePath) throws QmiException {
        InternalProxyOpen.Request req = new InternalProxyOpen.Request(devicePath);
        int tid = 1;
        try {
            send(QmiMessage.request(QmiService.CTL, 0, tid, req.messageId(), req.toTlvs()).encode());
            long deadline = System.nanoTime() + OPEN_TIMEOUT_MILLIS * 1_000_000L;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                byte[] frame = left > 0 ? receive(left) : null;
                if (frame == null) {
                    throw new QmiTimeoutException("qmi-proxy did not answer Internal Proxy Open for " + devicePath
                            + " within " + OPEN_TIMEOUT_MILLIS / 1000 + " s");
                }
                QmiMessage m = QmiMessage.decode(frame);
                if (m.service() == QmiService.CTL && m.kind() == MessageKind.RESPONSE
                        && m.messageId() == InternalProxyOpen.ID) {
                    try {
                        m.checkResult();
                    } catch (QmiErrorResponseException e) {
                        throw new DeviceNotFoundException("qmi-proxy could not open " + devicePath + ": "
                                + e.getMessage(), e);
                    }
                    return;
                }
                LOG.debug("ignoring {} while waiting for Internal Proxy Open", m.summary());
            }
        } catch (QmiFormatException e) {
            throw new QmiFormatException("qmi-proxy answered Internal Proxy Open with a malformed frame: " + e.getMessage());
        } catch (IOException e) {
            throw new DeviceNotFoundException("qmi-proxy closed the connection while opening " + devicePath
                    + " (is the path a QMI port?)", e);
        }
    }
}
