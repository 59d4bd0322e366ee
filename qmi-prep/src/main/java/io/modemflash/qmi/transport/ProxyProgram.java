package io.modemflash.qmi.transport;

import io.modemflash.posix.Errno;
import io.modemflash.posix.PosixException;
import io.modemflash.posix.PosixFd;
import io.modemflash.posix.UnixSockets;
import io.modemflash.qmi.DeviceNotFoundException;
import io.modemflash.qmi.QmiException;
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
 * libqmi's qmi-proxy and libmbim's mbim-proxy, reached the way their libraries do it: connect
 * to the abstract socket named after the program; if nobody listens, start the program and
 * retry every 100 ms, 10 times.
 */
public final class ProxyProgram {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyProgram.class);
    static final int CONNECT_ATTEMPTS = 10;
    static final long CONNECT_RETRY_MILLIS = 100;

    private ProxyProgram() {
    }

    /**
     * @param name        the program and its socket ("qmi-proxy", "mbim-proxy")
     * @param socketName  the abstract socket (no leading NUL), normally the name
     * @param spawn       start the program when nobody listens
     * @param packageHint the Debian package to name when the program is missing
     */
    public static PosixFd connect(String name, String socketName, boolean spawn, String packageHint)
            throws QmiException {
        try {
            return UnixSockets.connectAbstract(socketName);
        } catch (PosixException e) {
            if (e.errno() != Errno.ECONNREFUSED && e.errno() != Errno.ENOENT) {
                throw new QmiException("cannot connect to " + name + " (@" + socketName + "): " + e.getMessage(), e);
            }
            if (!spawn) {
                throw new DeviceNotFoundException(name + " is not running (nobody listens on @" + socketName + ")", e);
            }
        }
        Path program = find(name).orElseThrow(() -> new DeviceNotFoundException(name + " is not running and its "
                + "program was not found (install " + packageHint + ", or run without --proxy)"));
        try {
            Process p = new ProcessBuilder(program.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            // as when libqmi/libmbim start it: it outlives this command to serve other clients, until idle
            LOG.warn("started {} (pid {}); it stays to share the port with other clients and exits by itself once "
                    + "none is left (or: kill {})", program, p.pid(), p.pid());
        } catch (IOException e) {
            throw new QmiException("cannot start " + program + ": " + e.getMessage(), e);
        }
        PosixException last = null;
        for (int i = 0; i < CONNECT_ATTEMPTS; i++) {
            try {
                Thread.sleep(CONNECT_RETRY_MILLIS);
                return UnixSockets.connectAbstract(socketName);
            } catch (PosixException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QmiException("interrupted while waiting for " + name, e);
            }
        }
        throw new DeviceNotFoundException("started " + program + " but it did not listen on @" + socketName
                + " within " + CONNECT_ATTEMPTS * CONNECT_RETRY_MILLIS + " ms", last);
    }

    /** Where distributions install the program: Debian's libexec, multiarch lib dirs, the library's own dir. */
    public static Optional<Path> find(String name) {
        String lib = name.startsWith("mbim") ? "libmbim" : "libqmi";
        List<Path> candidates = new ArrayList<>(List.of(
                Path.of("/usr/libexec", name),
                Path.of("/usr/local/libexec", name),
                Path.of("/usr/lib", lib, name),
                Path.of("/usr/libexec", lib, name),
                Path.of("/usr/lib", name)));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/usr/lib"))) {
            for (Path d : dirs) {
                candidates.add(d.resolve(name));
                candidates.add(d.resolve(lib).resolve(name));
            }
        } catch (IOException | RuntimeException ignored) {
            // no /usr/lib: only the fixed candidates
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }
}
