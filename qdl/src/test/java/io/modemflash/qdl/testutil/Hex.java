package io.modemflash.qdl.testutil;

import java.util.HexFormat;

public final class Hex {
    private Hex() {
    }

    /** "7E 70 00" -> bytes; spaces ignored. */
    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    public static String hex(byte[] b) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(b);
    }
}
