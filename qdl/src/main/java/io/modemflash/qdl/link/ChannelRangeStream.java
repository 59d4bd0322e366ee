package io.modemflash.qdl.link;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * {@code length} bytes of a file from {@code position}, read with positional reads: the
 * channel's own position is neither used nor moved, so one channel can serve several ranges
 * (sparse chunks) in turn, even from two threads.
 */
public final class ChannelRangeStream extends InputStream {
    private final FileChannel channel;
    private final long end;
    private long pos;

    public ChannelRangeStream(FileChannel channel, long position, long length) {
        this.channel = channel;
        this.pos = position;
        this.end = position + length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= end) {
            return -1;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
        if (n > 0) {
            pos += n;
        }
        return n;
    }
}
