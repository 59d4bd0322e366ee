package io.modemflash.qdl.sahara;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Command-mode client commands and pure parsers of their answers. */
public final class SaharaCommands {
    public static final int SERIAL_NUMBER = 0x01;
    public static final int MSM_HW_ID = 0x02;
    public static final int OEM_PK_HASH = 0x03;
    public static final int SBL_VERSION = 0x07;
    public static final int CHIP_ID_V3 = 0x0A;
    /** Sierra 9x50/SDX: leave Sahara for the built-in Firehose; answers ASCII "confirmed". */
    public static final int SIERRA_SWITCH_TO_FIREHOSE = 0xFF00;

    private SaharaCommands() {
    }

    /** MSM / OEM / model ids, from the u64 HW id or the v3 chip id. */
    public record HwId(long msmId, int oemId, int modelId) {
        @Override
        public String toString() {
            return String.format("msm %08X oem %04X model %04X", msmId, oemId, modelId);
        }
    }

    /** One memory-debug region of the crash-dump table. */
    public record MemoryRegion(long savePref, long base, long length, String description, String fileName) {
    }

    public static long serial(byte[] data) throws SaharaLengthException {
        need(data, 4, "serial number");
        return le(data).getInt() & 0xffffffffL;
    }

    public static long sblVersion(byte[] data) throws SaharaLengthException {
        need(data, 4, "SBL version");
        return le(data).getInt() & 0xffffffffL;
    }

    /** HW id u64 (some chips repeat it three times): msm = id>>32, oem = bits 16-31, model = bits 0-15. */
    public static HwId hwId(byte[] data) throws SaharaLengthException {
        need(data, 8, "MSM HW id");
        long id = le(data).getLong();
        return new HwId(id >>> 32, (int) (id >>> 16) & 0xffff, (int) id & 0xffff);
    }

    /** Protocol v3 chip id: msm u32 at 36, oem u16 at 40 (alternate at 44 when 0), model u16 at 42. */
    public static HwId chipIdV3(byte[] data) throws SaharaLengthException {
        need(data, 44, "chip id v3");
        ByteBuffer b = le(data);
        long msm = b.getInt(36) & 0xffffffffL;
        int oem = b.getShort(40) & 0xffff;
        int model = b.getShort(42) & 0xffff;
        if (oem == 0 && data.length >= 46) {
            oem = b.getShort(44) & 0xffff;
        }
        return new HwId(msm, oem, model);
    }

    /**
     * The OEM public-key hash without the repeats (devices send the SHA-256/384 several times)
     * and without trailing zero padding.
     */
    public static byte[] pkHash(byte[] data) {
        int n = data.length;
        while (n > 0 && data[n - 1] == 0) {
            n--;
        }
        for (int period : new int[] {32, 48}) {
            if (n < period && data.length >= period) {
                return Arrays.copyOf(data, period); // one hash whose last bytes are zero
            }
            boolean repeats = n >= period;
            for (int i = period; repeats && i < n; i++) {
                repeats = data[i] == data[i - period];
            }
            if (repeats) {
                return Arrays.copyOf(data, period);
            }
        }
        return Arrays.copyOf(data, n);
    }

    /** Entry sizes of the memory-debug table: 3 x u32 or 3 x u64, then desc[20], filename[20]. */
    public static int regionEntrySize(boolean is64) {
        return is64 ? 64 : 52;
    }

    public static List<MemoryRegion> regionTable(byte[] table, boolean is64) throws SaharaPacketException {
        int size = regionEntrySize(is64);
        if (table.length % size != 0) {
            throw new SaharaLengthException("memory debug table of " + table.length
                    + " bytes is not a whole number of " + size + "-byte entries");
        }
        List<MemoryRegion> out = new ArrayList<>();
        ByteBuffer b = le(table);
        while (b.remaining() >= size) {
            long pref = is64 ? b.getLong() : b.getInt() & 0xffffffffL;
            long base = is64 ? b.getLong() : b.getInt() & 0xffffffffL;
            long len = is64 ? b.getLong() : b.getInt() & 0xffffffffL;
            String desc = cString(b, 20);
            String name = cString(b, 20);
            if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.equals(".")
                    || name.equals("..")) {
                throw new SaharaPacketException("memory debug region \"" + desc + "\" has an unsafe file name \""
                        + name + "\"");
            }
            out.add(new MemoryRegion(pref, base, len, desc, name));
        }
        return out;
    }

    private static String cString(ByteBuffer b, int size) {
        byte[] raw = new byte[size];
        b.get(raw);
        int n = 0;
        while (n < size && raw[n] != 0) {
            n++;
        }
        return new String(raw, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static void need(byte[] data, int n, String what) throws SaharaLengthException {
        if (data.length < n) {
            throw new SaharaLengthException(what + " answer too short: " + data.length + " bytes, need " + n);
        }
    }

    private static ByteBuffer le(byte[] data) {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }
}
