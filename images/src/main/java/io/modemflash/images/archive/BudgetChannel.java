package io.modemflash.images.archive;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel that refuses to read more than a budget of bytes while the budget is
 * on. commons-compress's ZipFile reads the whole central directory into entry objects when it
 * opens (following central directory records for as long as they go on, whatever the end
 * record says), with no option to bound it: opening through this channel with a budget bounds
 * that memory; the budget is lifted before the entries' data is read.
 */
final class BudgetChannel implements SeekableByteChannel {
    private final SeekableByteChannel ch;
    private final String where;
    private long budget = Long.MAX_VALUE;
    private long limit;

    BudgetChannel(SeekableByteChannel ch, String where) {
        this.ch = ch;
        this.where = where;
    }

    void limit(long bytes) {
        this.limit = bytes;
        this.budget = bytes;
    }

    void unlimited() {
        this.budget = Long.MAX_VALUE;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = ch.read(dst);
        if (n > 0 && budget != Long.MAX_VALUE && (budget -= n) < 0) {
            throw new BadPackageException(Reason.TOO_LARGE, where, "zip central directory larger than " + limit
                    + " bytes (names, extra fields and comments of its entries; hostile or corrupt archive)");
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        throw new java.nio.channels.NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
        return ch.position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ch.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return ch.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new java.nio.channels.NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return ch.isOpen();
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
