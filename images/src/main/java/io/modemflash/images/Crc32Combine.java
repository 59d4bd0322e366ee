package io.modemflash.images;

/**
 * CRC-32 (zlib's: reflected polynomial 0xEDB88320) of a concatenation from the CRCs of its
 * parts. A CRC is linear over GF(2): appending {@code n} bytes multiplies the register by
 * x^(8n) modulo the polynomial, so crc(A + B) = crc(A) * x^(8 |B|) + crc(B); the
 * pre- and post-inversion cancel out of that sum. x^(8n) comes from the squares x^(2^k),
 * so a combine costs O(log n) multiplications whatever the lengths.
 */
final class Crc32Combine {
    /** The polynomial, bit-reversed: bit 31 holds x^0 and bit 0 holds x^31. */
    private static final int POLY = 0xEDB88320;
    /** x^(2^k) mod P for every k a non-negative long length can need (8n < 2^66). */
    private static final int[] X_2K = new int[67];

    static {
        int p = 1 << 30; // x^1 in the reversed representation
        for (int k = 0; k < X_2K.length; k++) {
            X_2K[k] = p;
            p = multiply(p, p);
        }
    }

    private Crc32Combine() {
    }

    /** zlib's CRC-32 of A followed by B, given crc(A), crc(B) and B's length in bytes. */
    static long combine(long crcA, long crcB, long lengthB) {
        if (lengthB <= 0) {
            return crcA;
        }
        return (multiply(xPow8n(lengthB), (int) crcA) ^ (int) crcB) & 0xFFFFFFFFL;
    }

    /** a * b mod P, both in the reversed representation. */
    static int multiply(int a, int b) {
        int product = 0;
        for (int bit = 1 << 31; bit != 0; bit >>>= 1) {
            if ((a & bit) != 0) {
                product ^= b;
            }
            b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1; // b *= x
        }
        return product;
    }

    /** x^(8n) mod P. */
    static int xPow8n(long n) {
        int p = 1 << 31; // x^0
        int k = 3; // 8n = n * 2^3
        while (n != 0) {
            if ((n & 1) != 0) {
                p = multiply(X_2K[k], p);
            }
            n >>>= 1;
            k++;
        }
        return p;
    }
}
