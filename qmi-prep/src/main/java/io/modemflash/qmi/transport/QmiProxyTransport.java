package io.modemflash.qmi.transport;

import io.modemflash.posix.Errno;
import io.modemflash.posix.PosixException;
import io.modemflash.posix.PosixFd;
import io.modemflash.posix.UnixSockets;
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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * QMUX through libqmi's qmi-proxy (abstract unix socket "qmi-proxy"), which lets ModemManager
 * and this tool share one port. The first message is CTL Internal Proxy Open (0xFF00) naming
 * the device. If nobody listens, the qmi-proxy program is started and the connect retried
 * every 100 ms, 10 times, as libqmi does.
 */
public final class QmiProxyTransport extends FdTransport {
    private static final Logger LOG = LoggerFactory.getLogger(QmiProxyTransport.class);

    public static final String DEFAULT_SOCKET = "qmi-proxy";
    static final int CONNECT_ATTEMPTS = 10;
    static final long CONNECT_RETRY_MILLIS = 100;
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
        PosixFd fd = connect(socketName, spawn);
        QmiProxyTransport t = new QmiProxyTransport(fd, "qmi-proxy for " + devicePath);
        try {
            t.proxyOpen(devicePath);
            return t;
        } catch (QmiException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private static PosixFd connect(String socketName, boolean spawn) throws QmiException {
        try {
            return UnixSockets.connectAbstract(socketName);
        } catch (PosixException e) {
            if (e.errno() != Errno.ECONNREFUSED && e.errno() != Errno.ENOENT) {
                throw new QmiException("cannot connect to qmi-proxy (@" + socketName + "): " + e.getMessage(), e);
            }
            if (!spawn) {
                throw new DeviceNotFoundException("qmi-proxy is not running (nobody listens on @" + socketName + ")", e);
            }
        }
        Path program = findProxyProgram().orElseThrow(() -> new DeviceNotFoundException(
                "qmi-proxy is not running and its program was not found (install libqmi-proxy, or run without --proxy)"));
        spawnProxy(program);
        PosixException last = null;
        for (int i = 0; i < CONNECT_ATTEMPTS; i++) {
            sleep(CONNECT_RETRY_MILLIS);
            try {
                return UnixSockets.connectAbstract(socketName);
            } catch (PosixException e) {
                last = e;
            }
        }
        throw new DeviceNotFoundException("started " + program + " but it did not listen on @" + socketName
                + " within " + CONNECT_ATTEMPTS * CONNECT_RETRY_MILLIS + " ms", last);
    }

    private static void spawnProxy(Path program) throws QmiException {
        try {
            Process p = new ProcessBuilder(program.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            // as when libqmi starts it: it outlives this command to serve other clients, until idle
            LOG.warn("started {} (pid {}); it stays to share the port with other clients and exits by itself once "
                    + "none is left (or: kill {})", program, p.pid(), p.pid());
        } catch (IOException e) {
            throw new QmiException("cannot start " + program + ": " + e.getMessage(), e);
        }
    }

    /** Where distributions install qmi-proxy: Debian libexec, multiarch lib dirs, libqmi's own dir. */
    public static Optional<Path> findProxyProgram() {
        List<Path> candidates = new ArrayList<>(List.of(
                Path.of("/usr/libexec/qmi-proxy"),
                Path.of("/usr/local/libexec/qmi-proxy"),
                Path.of("/usr/lib/libqmi/qmi-proxy"),
                Path.of("/usr/libexec/libqmi/qmi-proxy"),
                Path.of("/usr/lib/qmi-proxy")));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/usr/lib"))) {
            for (Path d : dirs) {
                candidates.add(d.resolve("qmi-proxy"));
                candidates.add(d.resolve("libqmi").resolve("qmi-proxy"));
            }
        } catch (IOException | RuntimeException ignored) {
            // no /usr/lib: only the fixed candidates
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
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

    private static void sleep(long ms) throws QmiException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmiException("interrupted while waiting for qmi-proxy", e);
        }
    }
}
