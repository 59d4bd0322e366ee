package io.modemflash.images.flat;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * A sector number or value from rawprogram/patch XML, kept verbatim (it goes to the
 * programmer as written) and evaluable on the host for dry runs. Grammar: terms joined by
 * {@code +} and {@code -}; a term is a decimal number (a trailing {@code .} marks it
 * decimal, as in {@code NUM_DISK_SECTORS-5.}), a {@code 0x} hex number, or
 * {@code NUM_DISK_SECTORS}. Anything else (e.g. {@code CRC32(2,4096)}) only the device
 * can evaluate.
 */
public record SectorExpr(String text) {

    public static SectorExpr of(long v) {
        return new SectorExpr(Long.toString(v));
    }

    /** The value when it does not depend on the disk; empty otherwise. */
    public OptionalLong constant() {
        return evaluate(-1);
    }

    public boolean dependsOnDiskSize() {
        return text.toUpperCase(Locale.ROOT).contains("NUM_DISK_SECTORS");
    }

    /**
     * The value for a disk of {@code numDiskSectors} sectors (pass -1 when unknown);
     * empty when the expression needs something the host does not know.
     */
    public OptionalLong evaluate(long numDiskSectors) {
        String s = text.trim();
        if (s.isEmpty()) {
            return OptionalLong.empty();
        }
        long acc = 0;
        int sign = 1;
        int i = 0;
        boolean expectTerm = true;
        boolean seen = false;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (!expectTerm) {
                if (c == '+' || c == '-') {
                    sign = c == '+' ? 1 : -1;
                    expectTerm = true;
                    i++;
                    continue;
                }
                return OptionalLong.empty();
            }
            if ((c == '-' || c == '+') && !seen) { // unary sign: "-1" means "append" to Sierra programmers
                sign = c == '-' ? -1 : 1;
                i++;
                continue;
            }
            int j = i;
            while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '.')) {
                j++;
            }
            String term = s.substring(i, j);
            if (term.endsWith(".")) {
                term = term.substring(0, term.length() - 1);
            }
            long v;
            try {
                if (term.equalsIgnoreCase("NUM_DISK_SECTORS")) {
                    if (numDiskSectors < 0) {
                        return OptionalLong.empty();
                    }
                    v = numDiskSectors;
                } else if (term.startsWith("0x") || term.startsWith("0X")) {
                    v = Long.parseUnsignedLong(term.substring(2), 16);
                } else {
                    v = Long.parseLong(term);
                }
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
            if (j == i) {
                return OptionalLong.empty();
            }
            acc += sign * v;
            expectTerm = false;
            seen = true;
            i = j;
        }
        return expectTerm ? OptionalLong.empty() : OptionalLong.of(acc);
    }

    @Override
    public String toString() {
        return text;
    }
}
