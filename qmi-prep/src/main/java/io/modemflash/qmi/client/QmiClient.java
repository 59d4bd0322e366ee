package io.modemflash.qmi.client;

import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiPayload;
import io.modemflash.qmi.QmiRequest;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.Tlv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * One allocated client id of one service on a {@link QmiDevice}. {@link #close()} releases the
 * id (quietly); {@link #keep()} opts out, e.g. after a reset request, where PROTOCOLS.md says
 * to keep the client rather than release it.
 */
public final class QmiClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QmiClient.class);

    private final QmiDevice device;
    private final int service;
    private final int clientId;
    private volatile boolean done;

    QmiClient(QmiDevice device, int service, int clientId) {
        this.device = device;
        this.service = service;
        this.clientId = clientId;
    }

    public QmiDevice device() {
        return device;
    }

    public int service() {
        return service;
    }

    public int clientId() {
        return clientId;
    }

    /** Typed request with the device's default request timeout. */
    public <R extends QmiPayload> R request(QmiRequest<R> req) throws QmiException {
        return request(req, device.options().requestTimeout());
    }

    public <R extends QmiPayload> R request(QmiRequest<R> req, Duration timeout) throws QmiException {
        if (req.service() != service) {
            throw new IllegalArgumentException("a " + QmiService.name(req.service()) + " request on a "
                    + QmiService.name(service) + " client");
        }
        return device.request(clientId, req, timeout);
    }

    /** Raw request/response (result TLV not checked). */
    public QmiMessage exchange(int messageId, List<Tlv> tlvs, Duration timeout) throws QmiException {
        return device.exchange(service, clientId, messageId, tlvs, timeout);
    }

    /** Releases the client id now; errors are thrown. */
    public void release() throws QmiException {
        if (!done) {
            done = true;
            device.releaseClient(this);
        }
    }

    /** Do not release this id on close (it stays allocated on the modem until a Sync or reset). */
    public void keep() {
        done = true;
        device.forget(this);
    }

    /** Releases the id unless kept or already released; failures are logged, not thrown. */
    @Override
    public void close() {
        try {
            release();
        } catch (QmiException e) {
            LOG.warn("could not release {} client {}: {}", QmiService.name(service), clientId, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return QmiService.name(service) + " client " + clientId;
    }
}
