package io.modemflash.qdl.hdlc;

/**
 * CRC-16/X-25 (HDLC FCS): reflected polynomial 0x8408, init 0xFFFF, final xor 0xFFFF, sent
 * least significant byte first. Check value of "123456789" is 0x906E.
 */
public final class Crc16 {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0x8408 : c >>> 1;
            }
            TABLE[i] = c;
        }
    }

    private Crc16() {
    }

    public static int compute(byte[] data) {
        return compute(data, 0, data.length);
    }

    public static int compute(byte[] data, int off, int len) {
        int crc = 0xffff;
        for (int i = off; i < off + len; i++) {
            crc = (crc >>> 8) ^ TABLE[(crc ^ data[i]) & 0xff];
        }
        return ~crc & 0xffff;
    }
}
