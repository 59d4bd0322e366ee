package io.modemflash.qdl.firehose;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts the device byte stream into documents at {@code </data>} (any case): several may
 * arrive in one read, one may span reads. What follows the last complete document stays
 * buffered; after a {@code rawmode="true"} response those bytes are raw data and are taken
 * with {@link #takeRaw}.
 */
public final class DocumentSplitter {
    private static final byte[] END = "</data>".getBytes(StandardCharsets.US_ASCII);

    private final int maxDocument;
    private byte[] buf = new byte[8192];
    private int start;
    private int end;
    private int scanFrom;
    private int lastLength;

    /** @param maxDocument a document growing past this without {@code </data>} is garbage */
    public DocumentSplitter(int maxDocument) {
        this.maxDocument = maxDocument;
    }

    public void feed(byte[] data, int off, int len) {
        if (end + len > buf.length) {
            int live = end - start;
            if (live + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, live + len));
            }
            System.arraycopy(buf, start, buf, 0, live);
            scanFrom -= start;
            start = 0;
            end = live;
        }
        System.arraycopy(data, off, buf, end, len);
        end += len;
    }

    /** The next complete document, or null when none is complete yet. */
    public String next() throws FirehoseXmlException {
        int from = Math.max(start, scanFrom);
        for (int i = from; i + END.length <= end; i++) {
            if (matchesEnd(i)) {
                lastLength = i + END.length - start;
                String doc = new String(buf, start, lastLength, StandardCharsets.UTF_8);
                start = i + END.length;
                scanFrom = start;
                return doc;
            }
        }
        scanFrom = Math.max(start, end - END.length + 1);
        if (end - start > maxDocument) {
            int size = end - start;
            start = end;
            scanFrom = end;
            throw new FirehoseXmlException("device sent " + size + " bytes without a </data>: not Firehose");
        }
        return null;
    }

    private boolean matchesEnd(int i) {
        for (int k = 0; k < END.length; k++) {
            int b = buf[i + k];
            if (b >= 'A' && b <= 'Z') {
                b += 32;
            }
            if (b != END[k]) {
                return false;
            }
        }
        return true;
    }

    /** Bytes on the wire of the document {@link #next()} returned last (not its UTF-16 length). */
    public int lastLength() {
        return lastLength;
    }

    /** Bytes buffered after the last complete document. */
    public int pending() {
        return end - start;
    }

    /** Moves up to {@code len} buffered bytes out as raw data (after rawmode="true"). */
    public int takeRaw(byte[] dst, int off, int len) {
        int c = Math.min(len, end - start);
        System.arraycopy(buf, start, dst, off, c);
        start += c;
        scanFrom = Math.max(scanFrom, start);
        return c;
    }

    /** True when nothing is buffered. */
    public boolean isEmpty() {
        return start == end;
    }
}
