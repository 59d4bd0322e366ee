package io.modemflash.emulator.boot;

import java.io.ByteArrayOutputStream;

/**
 * Recognises the device's own output coming back from the host: a tty opened before it was
 * switched to raw mode has its line discipline echo what the device sends (canonical mode,
 * ECHO and ECHOCTL on, as Linux sets a fresh tty up), so a Sahara HELLO {@code 01 00 00 00 30
 * ...} returns as {@code 5e 41 5e 40 5e 40 5e 40 30 ...} ("^A^@^@^@0"). Both that caret form
 * and a verbatim echo are recognised, in order, from where the echo got so far. Pure: bytes in,
 * a count out.
 */
final class TtyEcho {
    /** Device output remembered for matching (the handshake is short). */
    static final int MAX_REMEMBERED = 4096;

    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
    private final ByteArrayOutputStream caret = new ByteArrayOutputStream();
    private int rawPos;
    private int caretPos;

    /** The device sent these bytes to the host. */
    void deviceWrote(byte[] b, int off, int len) {
        for (int i = off; i < off + len && raw.size() < MAX_REMEMBERED; i++) {
            int c = b[i] & 0xff;
            raw.write(c);
            caretEcho(c, caret);
        }
    }

    /** How n_tty echoes one input byte (ECHOCTL; ICRNL and ONLCR turn CR and LF into CR LF). */
    static void caretEcho(int c, ByteArrayOutputStream out) {
        if (c == '\r' || c == '\n') {
            out.write('\r');
            out.write('\n');
        } else if (c == '\t') {
            out.write(c);
        } else if (c < 0x20 || c == 0x7f) {
            out.write('^');
            out.write(c ^ 0x40);
        } else {
            out.write(c);
        }
    }

    /**
     * True when everything the host sent so far could be the start of an echo that is still too
     * short to tell from a poke: n_tty echoes character by character, and over USB each one may
     * come as a transfer of its own, so the caller should wait briefly for the rest.
     */
    boolean undecided(byte[] b, int off, int len) {
        if (caretPos > 0 || rawPos > 0 || len >= 2) {
            return false;
        }
        return match(caret.toByteArray(), 0, b, off, len) == len || match(raw.toByteArray(), 0, b, off, len) == len;
    }

    /**
     * How many leading bytes of what the host sent are echo of the device's output (0: none).
     * Two bytes at least start an echo (a single byte may be a deliberate poke); an echo that
     * already began continues with any length.
     */
    int echoPrefix(byte[] b, int off, int len) {
        int kc = match(caret.toByteArray(), caretPos, b, off, len);
        int kr = match(raw.toByteArray(), rawPos, b, off, len);
        boolean begun = caretPos > 0 || rawPos > 0;
        int k = Math.max(kc, kr);
        if (k == 0 || (k < 2 && !begun)) {
            return 0;
        }
        if (kc >= kr) {
            caretPos += kc;
        } else {
            rawPos += kr;
        }
        return k;
    }

    private static int match(byte[] stream, int from, byte[] b, int off, int len) {
        int k = 0;
        while (k < len && from + k < stream.length && stream[from + k] == b[off + k]) {
            k++;
        }
        return k;
    }
}
