package io.modemflash.images.cwe;

import java.util.zip.CRC32;

/**
 * The CRC Sierra writes in CWE headers: CRC-32 (reflected 0xEDB88320, init 0xFFFFFFFF)
 * without the final inversion, i.e. the bitwise complement of zlib's crc32. This is
 * what Bjørn Mork's parsecwe checks against real packages.
 */
public final class SierraCrc {
    private final CRC32 crc = new CRC32();

    public void update(byte[] b, int off, int len) {
        crc.update(b, off, len);
    }

    public long value() {
        return ~crc.getValue() & 0xFFFFFFFFL;
    }

    public static long of(byte[] b, int off, int len) {
        SierraCrc c = new SierraCrc();
        c.update(b, off, len);
        return c.value();
    }
}
