package io.modemflash.qmi.client;

import io.modemflash.posix.PosixFd;
import io.modemflash.qmi.NotQmiPortException;
import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.mbim.MbimQmiTransport;
import io.modemflash.qmi.transport.CharDeviceTransport;
import io.modemflash.qmi.transport.FdTransport;
import io.modemflash.qmi.transport.QmiPortKind;
import io.modemflash.qmi.transport.QmiProxyTransport;
import io.modemflash.qmi.transport.QmiTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The transport for a device node: QMUX (qmi_wwan, or qmi-proxy), QMI in MBIM (cdc_mbim, or
 * mbim-proxy) or GobiNet, as {@link QmiPortKind} reads from sysfs. A port sysfs says nothing
 * about is probed with one MBIM OPEN: an MBIM function answers it at once, a QMUX port ignores
 * it (not a QMUX frame), and the port is then used as QMUX.
 */
public final class QmiPorts {
    private static final Logger LOG = LoggerFactory.getLogger(QmiPorts.class);
    /** How long an unknown port gets to answer the MBIM OPEN probe. */
    static final long MBIM_PROBE_MILLIS = 1_000;

    private QmiPorts() {
    }

    public static QmiTransport open(Path path, boolean proxy) throws QmiException {
        QmiPortKind kind = QmiPortKind.detect(path);
        LOG.debug("{}: {} port", path, kind);
        return switch (kind) {
            case MBIM -> proxy ? MbimQmiTransport.openViaProxy(path) : MbimQmiTransport.open(path);
            case GOBINET -> {
                if (proxy) {
                    throw new NotQmiPortException(path + " is a GobiNet port, which neither qmi-proxy nor mbim-proxy "
                            + "can share: run without --proxy");
                }
                yield io.modemflash.qmi.gobinet.GobiNetTransport.open(path);
            }
            case QMUX -> proxy ? QmiProxyTransport.open(path.toString()) : CharDeviceTransport.open(path);
            case UNKNOWN -> proxy ? QmiProxyTransport.open(path.toString()) : probe(path);
        };
    }

    private static QmiTransport probe(Path path) throws QmiException {
        PosixFd fd = CharDeviceTransport.openPort(path);
        MbimQmiTransport.Probe probe;
        try {
            probe = MbimQmiTransport.probe(fd, path.toString(), MBIM_PROBE_MILLIS);
            if (probe.transport().isPresent()) {
                LOG.debug("{}: answered MBIM OPEN: QMI over MBIM", path);
                return probe.transport().get();
            }
        } catch (QmiException | RuntimeException e) {
            fd.close();
            throw e;
        }
        // what the port sent meanwhile is read again as QMUX (it may be an indication, or the garbage to report)
        return new FdTransport(fd, path.toString(), probe.otherBytes()) {
            @Override
            protected boolean eofBeforeFrameMeansNotQmi() {
                return true;
            }
        };
    }
}
