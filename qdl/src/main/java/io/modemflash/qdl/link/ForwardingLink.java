package io.modemflash.qdl.link;

import java.io.IOException;

/**
 * A link that passes everything to another one: the base of decorators (tracing, test
 * recorders) that override only the calls they watch.
 */
public abstract class ForwardingLink implements Link {
    protected final Link inner;

    protected ForwardingLink(Link inner) {
        this.inner = inner;
    }

    @Override
    public void write(byte[] data, int off, int len) throws IOException {
        inner.write(data, off, len);
    }

    @Override
    public int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
        return inner.read(buf, off, len, timeoutMillis);
    }

    @Override
    public int maxPacketSize() {
        return inner.maxPacketSize();
    }

    @Override
    public void setZeroLengthPackets(boolean enabled) {
        inner.setZeroLengthPackets(enabled);
    }

    @Override
    public boolean zeroLengthPackets() {
        return inner.zeroLengthPackets();
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
