package io.modemflash.images.cwe;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;
import io.modemflash.images.Limits;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the header tree of a CWE file without loading its images: only 400-byte headers
 * are read. Sizes are checked before they are trusted: the top image must fill the file
 * exactly and every nested image must stay inside its parent.
 */
public final class CweParser {
    private static final int MAX_NODES = 4096;

    private final FileChannel channel;
    private final String where;
    private final Limits limits;
    private int nodes;

    private CweParser(FileChannel channel, String where, Limits limits) {
        this.channel = channel;
        this.where = where;
        this.limits = limits;
    }

    /** Parses the tree of a whole CWE file; {@code where} names it in errors. */
    public static CweImage parse(FileChannel channel, String where, Limits limits) throws IOException {
        return new CweParser(channel, where, limits).top();
    }

    private CweImage top() throws IOException {
        long size = channel.size();
        if (size < CweHeader.SIZE) {
            throw new BadPackageException(Reason.TRUNCATED, where,
                    "only " + size + " bytes, shorter than a 400-byte CWE header");
        }
        CweHeader h = CweHeader.parse(read(0)).orElseThrow(() -> new BadPackageException(Reason.BAD_HEADER, where,
                "not a valid CWE header (zero image size or non-ASCII type/product/version/date)"));
        long body = size - CweHeader.SIZE;
        if (h.imageSize() > body) {
            throw new BadPackageException(Reason.OVERRUN, where, "CWE header says " + h.type() + " image is "
                    + h.imageSize() + " bytes but the file holds only " + body + " after the header (truncated?)");
        }
        if (h.imageSize() < body) {
            throw new BadPackageException(Reason.SIZE_MISMATCH, where, "CWE header says " + h.type() + " image is "
                    + h.imageSize() + " bytes but " + body + " follow the header");
        }
        nodes = 1;
        return new CweImage(h, 0, 0, children(h, CweHeader.SIZE, size, 1));
    }

    private List<CweImage> children(CweHeader parent, long start, long end, int depth) throws IOException {
        List<CweImage> out = new ArrayList<>();
        long pos = start;
        while (pos + CweHeader.SIZE <= end) {
            var parsed = CweHeader.parse(read(pos));
            if (parsed.isEmpty()) {
                break; // first invalid header ends this level: the rest is image data
            }
            CweHeader h = parsed.get();
            long childEnd = pos + CweHeader.SIZE + h.imageSize();
            if (childEnd > end) {
                throw new BadPackageException(Reason.OVERRUN, where, "nested " + h.type() + " header at offset "
                        + pos + " overruns its parent " + parent.type() + " (image ends at " + childEnd
                        + ", parent at " + end + ")");
            }
            if (depth > limits.maxCweDepth()) {
                throw new BadPackageException(Reason.TOO_LARGE, where, "CWE images nested deeper than "
                        + limits.maxCweDepth() + " levels");
            }
            if (++nodes > MAX_NODES) {
                throw new BadPackageException(Reason.TOO_LARGE, where, "more than " + MAX_NODES + " CWE headers");
            }
            out.add(new CweImage(h, pos, depth, children(h, pos + CweHeader.SIZE, childEnd, depth + 1)));
            pos = childEnd;
        }
        return out;
    }

    private byte[] read(long pos) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(CweHeader.SIZE);
        while (bb.hasRemaining()) {
            int n = channel.read(bb, pos + bb.position());
            if (n < 0) {
                throw new BadPackageException(Reason.TRUNCATED, where, "file ended inside the header at offset " + pos);
            }
        }
        return bb.array();
    }
}
