package io.modemflash.qdl.link;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Wraps a link and reports every write and read as a hex line ("-v" protocol traces). Large
 * transfers (raw image data) are cut to their first {@code maxBytes} bytes.
 */
public final class TracingLink extends ForwardingLink {
    private final Consumer<String> trace;
    private final int maxBytes;

    public TracingLink(Link inner, Consumer<String> trace, int maxBytes) {
        super(inner);
        this.trace = trace;
        this.maxBytes = maxBytes;
    }

    @Override
    public void write(byte[] data, int off, int len) throws IOException {
        trace.accept(line(">>", data, off, len));
        inner.write(data, off, len);
    }

    @Override
    public int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
        int n = inner.read(buf, off, len, timeoutMillis);
        if (n > 0) {
            trace.accept(line("<<", buf, off, n));
        }
        return n;
    }

    String line(String dir, byte[] b, int off, int len) {
        int shown = Math.min(len, maxBytes);
        StringBuilder sb = new StringBuilder(dir.length() + 16 + shown * 3).append(dir).append(' ')
                .append(len).append(" bytes:");
        for (int i = 0; i < shown; i++) {
            sb.append(' ').append(Character.forDigit((b[off + i] >> 4) & 0xf, 16))
                    .append(Character.forDigit(b[off + i] & 0xf, 16));
        }
        if (shown < len) {
            sb.append(" ...");
        }
        return sb.toString();
    }
}
