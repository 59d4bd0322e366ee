package io.modemflash.images.archive;

import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/** xz streams for tests and samples, including one whose LZMA2 dictionary claims far more than it uses. */
public final class XzBytes {
    private XzBytes() {
    }

    public static byte[] xz(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (XZCompressorOutputStream x = new XZCompressorOutputStream(b)) {
            x.write(data);
        }
        return b.toByteArray();
    }

    /**
     * Rewrites the LZMA2 dictionary-size byte of the first block header (and the header's
     * CRC-32): code 37 is 1.5 GiB, 38 is 2 GiB. The data still decodes with that dictionary.
     */
    public static byte[] withDictionaryCode(byte[] xz, int code) {
        byte[] b = xz.clone();
        int start = 12; // after the stream header
        int size = ((b[start] & 0xff) + 1) * 4;
        int flags = b[start + 1] & 0xff;
        int p = start + 2;
        if ((flags & 0x40) != 0) {
            p = skipVarint(b, p);
        }
        if ((flags & 0x80) != 0) {
            p = skipVarint(b, p);
        }
        if (b[p] != 0x21 || b[p + 1] != 1) {
            throw new IllegalStateException("first filter is not LZMA2 with one property byte");
        }
        b[p + 2] = (byte) code;
        CRC32 crc = new CRC32();
        crc.update(b, start, size - 4);
        ByteBuffer.wrap(b, start + size - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
        return b;
    }

    private static int skipVarint(byte[] b, int p) {
        while ((b[p] & 0x80) != 0) {
            p++;
        }
        return p + 1;
    }
}
