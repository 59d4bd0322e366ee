package io.modemflash.images.archive;

import io.modemflash.images.BadPackageException;
import io.modemflash.images.BadPackageException.Reason;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * commons-compress's tar reader with its memory bounded. The library reads GNU long names and
 * long link names (types L, K) and PAX records (x, g) whole into memory, follows a chain of such
 * headers by recursion, and collects GNU sparse maps as long as they go on; commons-compress
 * 1.28.0 has no option to limit any of it. Every read passes through here first, so a header
 * entry is refused before its first byte is read when its size field is over the limit, a chain
 * of more than {@link #MAX_HEADER_BLOCKS} header blocks for one entry is refused, and sparse
 * entries (old GNU 'S', PAX GNU.sparse.*) are refused: no firmware package holds them.
 */
final class BoundedTarInputStream extends TarArchiveInputStream {
    /** Header blocks (512 bytes each) one entry may take: L, K, x, g and the entry's own. */
    static final int MAX_HEADER_BLOCKS = 16;
    private static final byte[] SPARSE_KEY = "GNU.sparse.".getBytes(StandardCharsets.US_ASCII);

    private final int maxHeaderBytes;
    private final long maxGlobalBytes;
    private final String archiveName;
    private int depth;
    private int headerBlocks;
    private long globalBytes;
    private final byte[] paxTail = new byte[SPARSE_KEY.length];
    private int paxTailLength;

    BoundedTarInputStream(InputStream in, int maxHeaderBytes, String archiveName) {
        super(in);
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxGlobalBytes = 16L * maxHeaderBytes;
        this.archiveName = archiveName;
    }

    @Override
    public TarArchiveEntry getNextEntry() throws IOException {
        // the library calls this again for the entry a long name or PAX header describes
        if (depth++ == 0) {
            headerBlocks = 0;
        }
        try {
            return super.getNextEntry();
        } finally {
            depth--;
        }
    }

    @Override
    protected byte[] readRecord() throws IOException {
        byte[] record = super.readRecord();
        if (record != null && depth > 0) {
            if (++headerBlocks > MAX_HEADER_BLOCKS) {
                throw new BadPackageException(Reason.BAD_HEADER, archiveName, "more than " + MAX_HEADER_BLOCKS
                        + " tar header blocks for one entry (a chain of long-name or PAX headers)");
            }
            if (record[156] == 'S' && !zeros(record)) {
                throw new BadPackageException(Reason.UNSUPPORTED, archiveName + "!" + name(record),
                        "GNU sparse tar entry refused (firmware packages have none)");
            }
        }
        return record;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        TarArchiveEntry e = getCurrentEntry();
        boolean header = e != null && (e.isGNULongNameEntry() || e.isGNULongLinkEntry() || e.isPaxHeader()
                || e.isGlobalPaxHeader());
        if (header && e.getSize() > maxHeaderBytes) {
            throw new BadPackageException(Reason.TOO_LARGE, archiveName, "tar " + kind(e) + " header claims "
                    + e.getSize() + " bytes (limit " + maxHeaderBytes + "): hostile or corrupt archive");
        }
        int n = super.read(buf, off, len);
        if (header && n > 0 && (e.isPaxHeader() || e.isGlobalPaxHeader())) {
            if (e.isGlobalPaxHeader() && (globalBytes += n) > maxGlobalBytes) {
                throw new BadPackageException(Reason.TOO_LARGE, archiveName, "global PAX headers add up to more than "
                        + maxGlobalBytes + " bytes");
            }
            refuseSparseKeys(buf, off, n);
        }
        return n;
    }

    /** PAX GNU.sparse.* records make the library read an unbounded sparse map: refuse them. */
    private void refuseSparseKeys(byte[] buf, int off, int n) throws BadPackageException {
        byte[] window = new byte[paxTailLength + n];
        System.arraycopy(paxTail, 0, window, 0, paxTailLength);
        System.arraycopy(buf, off, window, paxTailLength, n);
        for (int i = 0; i + SPARSE_KEY.length <= window.length; i++) {
            if (isSparseKeyAt(window, i)) {
                throw new BadPackageException(Reason.UNSUPPORTED, archiveName, "PAX GNU sparse tar entry refused "
                        + "(firmware packages have none)");
            }
        }
        paxTailLength = Math.min(SPARSE_KEY.length - 1, window.length);
        System.arraycopy(window, window.length - paxTailLength, paxTail, 0, paxTailLength);
    }

    private static boolean isSparseKeyAt(byte[] b, int at) {
        for (int k = 0; k < SPARSE_KEY.length; k++) {
            if (b[at + k] != SPARSE_KEY[k]) {
                return false;
            }
        }
        return true;
    }

    private static String kind(TarArchiveEntry e) {
        if (e.isGNULongNameEntry()) {
            return "GNU long-name (././@LongLink, type L)";
        }
        if (e.isGNULongLinkEntry()) {
            return "GNU long-link (type K)";
        }
        return e.isGlobalPaxHeader() ? "global PAX (type g)" : "PAX (type x)";
    }

    private static boolean zeros(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String name(byte[] record) {
        int end = 0;
        while (end < 100 && record[end] != 0) {
            end++;
        }
        return new String(record, 0, end, StandardCharsets.UTF_8);
    }
}
