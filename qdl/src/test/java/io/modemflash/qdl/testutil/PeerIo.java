package io.modemflash.qdl.testutil;

import io.modemflash.qdl.link.Link;

import java.io.IOException;

/** Byte-stream helper for scripted peers: exact reads over a Link whatever its transfer model. */
public final class PeerIo {
    private final Link link;
    private final byte[] buf = new byte[2 << 20];
    private int start;
    private int end;

    public PeerIo(Link link) {
        this.link = link;
    }

    public Link link() {
        return link;
    }

    private void fill() throws IOException {
        if (start == end) {
            start = 0;
            end = 0;
        }
        if (end == buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        int n = link.read(buf, end, buf.length - end, 10_000);
        if (n == 0) {
            throw new IOException("peer: nothing from the host within 10 s");
        }
        end += n;
    }

    public int readByte() throws IOException {
        if (start == end) {
            fill();
        }
        return buf[start++] & 0xff;
    }

    public byte[] readExactly(int n) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            if (start == end) {
                fill();
            }
            int c = Math.min(n - got, end - start);
            System.arraycopy(buf, start, out, got, c);
            start += c;
            got += c;
        }
        return out;
    }

    /** Discards n bytes (the benchmark sink) without allocating. */
    public void skip(long n) throws IOException {
        while (n > 0) {
            if (start == end) {
                fill();
            }
            int c = (int) Math.min(n, end - start);
            start += c;
            n -= c;
        }
    }

    /** Reads until (and excluding) {@code delimiter}. */
    public byte[] readUntil(int delimiter) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int b; (b = readByte()) != delimiter; ) {
            out.write(b);
        }
        return out.toByteArray();
    }

    public void write(byte[] b) throws IOException {
        link.write(b);
    }
}
