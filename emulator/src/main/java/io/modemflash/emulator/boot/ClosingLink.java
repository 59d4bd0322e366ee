package io.modemflash.emulator.boot;

import io.modemflash.qdl.link.Link;

import java.io.IOException;

/** A link that runs a hook before it closes (the port forgets the host end first). */
final class ClosingLink implements Link {
    private final Link inner;
    private final Runnable beforeClose;

    ClosingLink(Link inner, Runnable beforeClose) {
        this.inner = inner;
        this.beforeClose = beforeClose;
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
        beforeClose.run();
        inner.close();
    }
}
