package io.modemflash.images.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes tar headers byte by byte, so tests and the fuzz seeds can make what no well-behaved tar
 * writer makes (like CweBuilder, ElfWriter and SparseWriter, it builds packages): a
 * GNU long-name header that claims gigabytes, PAX headers of any size, device entries.
 */
public final class TarBytes {
    private TarBytes() {
    }

    /** A ustar header block; sizes of 8 GiB and more use the base-256 form. */
    public static byte[] header(String name, char type, long size) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        if (size < 077777777777L) {
            octal(h, 124, 12, size);
        } else {
            h[124] = (byte) 0x80;
            for (int i = 0; i < 8; i++) {
                h[135 - i] = (byte) (size >>> (8 * i));
            }
        }
        octal(h, 136, 12, 0);
        h[156] = (byte) type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        return h;
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = Long.toOctalString(v);
        while (s.length() < len - 1) {
            s = "0" + s;
        }
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, len - 1);
        h[off + len - 1] = 0;
    }

    /** An entry: header, {@code data}, padding to the block. */
    public static void entry(OutputStream out, String name, char type, byte[] data) throws IOException {
        out.write(header(name, type, data.length));
        out.write(data);
        out.write(new byte[(512 - data.length % 512) % 512]);
    }

    /** A header whose data is {@code size} copies of {@code fill}, streamed (sizes of GiB cost no memory). */
    public static void entry(OutputStream out, String name, char type, long size, byte fill) throws IOException {
        out.write(header(name, type, size));
        byte[] chunk = new byte[1 << 16];
        java.util.Arrays.fill(chunk, fill);
        for (long left = size; left > 0; left -= chunk.length) {
            out.write(chunk, 0, (int) Math.min(chunk.length, left));
        }
        out.write(new byte[(int) ((512 - size % 512) % 512)]);
    }

    public static void end(OutputStream out) throws IOException {
        out.write(new byte[1024]);
    }
}
