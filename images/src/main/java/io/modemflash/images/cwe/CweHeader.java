package io.modemflash.images.cwe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The 400-byte Sierra CWE header (PROTOCOLS.md section 6). Integers are big-endian.
 *
 * @param psb        the 256-byte product specific buffer (reserved1)
 * @param headerCrc  CRC over {@code psb}
 * @param rev        header revision
 * @param val        CRC validity indicator
 * @param type       image type, e.g. SPKG, BOOT, APPL, MODM, NVUP, FILE
 * @param product    product, e.g. 9X30
 * @param imageSize  bytes after this header that belong to the image
 * @param imageCrc   CRC over those bytes
 * @param version    version string
 * @param date       release date string
 * @param compat     compatibility word
 */
public record CweHeader(byte[] psb, long headerCrc, long rev, long val, String type, String product,
                        long imageSize, long imageCrc, String version, String date, long compat) {

    public static final int SIZE = 400;
    public static final int PSB_SIZE = 256;

    /**
     * Whether the header says its CRCs are valid. PROTOCOLS.md does not give the value;
     * we treat bit 0 set as "valid", except the erased-flash pattern 0xFFFFFFFF.
     */
    public boolean crcsValid() {
        return val != 0xFFFFFFFFL && (val & 1) == 1;
    }

    /** The value {@link #crcsValid()} accepts; what the sample generator writes. */
    public static final long CRC_VALID = 1;

    /**
     * Parses 400 bytes. Returns empty when the bytes are not a valid header by the rules
     * used in the field: imgsize != 0 and type/product/version/date printable ASCII
     * followed only by NULs.
     */
    public static Optional<CweHeader> parse(byte[] b) {
        if (b.length < SIZE) {
            return Optional.empty();
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        long imgsize = u32(bb, 276);
        if (imgsize == 0) {
            return Optional.empty();
        }
        String type = ascii(b, 268, 4);
        String product = ascii(b, 272, 4);
        String version = ascii(b, 284, 84);
        String date = ascii(b, 368, 8);
        if (type == null || type.isEmpty() || product == null || version == null || date == null) {
            return Optional.empty();
        }
        byte[] psb = new byte[PSB_SIZE];
        System.arraycopy(b, 0, psb, 0, PSB_SIZE);
        return Optional.of(new CweHeader(psb, u32(bb, 256), u32(bb, 260), u32(bb, 264), type, product,
                imgsize, u32(bb, 280), version, date, u32(bb, 376)));
    }

    /** Serialises the header (the sample generator and tests build packages with it). */
    public byte[] toBytes() {
        ByteBuffer bb = ByteBuffer.allocate(SIZE).order(ByteOrder.BIG_ENDIAN);
        bb.put(psb, 0, Math.min(psb.length, PSB_SIZE));
        bb.putInt(256, (int) headerCrc).putInt(260, (int) rev).putInt(264, (int) val);
        putAscii(bb, 268, type, 4);
        putAscii(bb, 272, product, 4);
        bb.putInt(276, (int) imageSize).putInt(280, (int) imageCrc);
        putAscii(bb, 284, version, 84);
        putAscii(bb, 368, date, 8);
        bb.putInt(376, (int) compat);
        return bb.array();
    }

    private static void putAscii(ByteBuffer bb, int off, String s, int max) {
        byte[] v = s.getBytes(StandardCharsets.US_ASCII);
        if (v.length > max) {
            throw new IllegalArgumentException("'" + s + "' is longer than " + max + " bytes");
        }
        bb.put(off, v);
    }

    private static long u32(ByteBuffer bb, int off) {
        return Integer.toUnsignedLong(bb.getInt(off));
    }

    /** Printable ASCII followed only by NULs; null when the field breaks that rule. */
    static String ascii(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            int c = b[end] & 0xff;
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
            end++;
        }
        for (int i = end; i < off + len; i++) {
            if (b[i] != 0) {
                return null;
            }
        }
        return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }
}
