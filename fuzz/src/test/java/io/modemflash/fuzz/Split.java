package io.modemflash.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a fuzz input into the pieces a stream parser is fed (reads from a link arrive in any
 * sizes): the first byte seeds the cut points, so the fuzzer also explores the splits.
 */
final class Split {
    private Split() {
    }

    static List<byte[]> pieces(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        if (data.length == 0) {
            return out;
        }
        int step = 1 + (data[0] & 0x3f);
        for (int i = 1; i < data.length; i += step) {
            out.add(Arrays.copyOfRange(data, i, Math.min(data.length, i + step)));
            step = 1 + ((step * 31 + 7) & 0x7f);
        }
        return out;
    }

    /** The input without its split seed. */
    static byte[] body(byte[] data) {
        return data.length == 0 ? data : Arrays.copyOfRange(data, 1, data.length);
    }
}
