package io.modemflash.qmi;

import java.util.HexFormat;

/** Hex helpers for messages and traces. */
public final class Hex {
    private static final HexFormat SPACED = HexFormat.ofDelimiter(" ").withUpperCase();

    private Hex() {
    }

    public static String u8(int v) {
        return String.format("%02X", v & 0xFF);
    }

    public static String u16(int v) {
        return String.format("%04X", v & 0xFFFF);
    }

    /** "01 0C 00 ..." */
    public static String spaced(byte[] bytes) {
        return SPACED.formatHex(bytes);
    }

    public static String spaced(byte[] bytes, int from, int to) {
        return SPACED.formatHex(bytes, from, to);
    }

    /**
     * Parses hex as a technician pastes it: whitespace, colons, commas, "0x" prefixes and
     * "-" separators are ignored; anything else, or an odd digit count, is an error.
     */
    public static byte[] parse(String text) {
        StringBuilder digits = new StringBuilder(text.length());
        String t = text.replaceAll("(?i)0x", " ");
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (Character.digit(c, 16) >= 0) {
                digits.append(c);
            } else if (!(Character.isWhitespace(c) || c == ':' || c == ',' || c == '-')) {
                throw new IllegalArgumentException("not hex: '" + c + "' at position " + (i + 1));
            }
        }
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits (" + digits.length() + ")");
        }
        return HexFormat.of().parseHex(digits);
    }
}
