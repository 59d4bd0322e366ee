package io.modemflash.emulator.boot;

import io.modemflash.qdl.sahara.SaharaCommands;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The memory a crashed modem offers over Sahara memory debug (05c6:900e): a region table
 * (64-bit entries) and region contents generated from the address, so any piece read
 * anywhere can be checked against {@link #read}.
 */
public final class CrashDump {
    /** One region as the table lists it. */
    public record Region(long base, long length, String description, String fileName) {
    }

    public static final List<Region> REGIONS = List.of(
            new Region(0x1468_0000L, 256 << 10, "OCIMEM", "OCIMEM.BIN"),
            new Region(0x8000_0000L, 1 << 20, "DDR CS0 part 0", "DDRCS0_0.BIN"),
            new Region(0x0800_0000L, 64 << 10, "RPM Code RAM", "CODERAM.BIN"));
    /** Where the table itself lives in the device's address space. */
    public static final long TABLE_ADDRESS = 0x146B_F000L;

    private CrashDump() {
    }

    /** The region table as MEMORY_DEBUG64 points at it. */
    public static byte[] table() {
        int size = SaharaCommands.regionEntrySize(true);
        ByteBuffer b = ByteBuffer.allocate(size * REGIONS.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (Region r : REGIONS) {
            b.putLong(1).putLong(r.base()).putLong(r.length()).put(fixed(r.description())).put(fixed(r.fileName()));
        }
        return b.array();
    }

    private static byte[] fixed(String s) {
        byte[] out = new byte[20];
        byte[] src = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(src, 0, out, 0, Math.min(19, src.length));
        return out;
    }

    /** True when [address, address+length) lies inside the table or one region. */
    public static boolean readable(long address, long length) {
        if (length < 0) {
            return false;
        }
        if (address >= TABLE_ADDRESS && address + length <= TABLE_ADDRESS + table().length) {
            return true;
        }
        return REGIONS.stream().anyMatch(r -> address >= r.base() && address + length <= r.base() + r.length());
    }

    /** The bytes at an address (the table, or region contents derived from each address). */
    public static byte[] read(long address, int length) {
        byte[] out = new byte[length];
        if (address >= TABLE_ADDRESS && address < TABLE_ADDRESS + table().length) {
            byte[] t = table();
            System.arraycopy(t, (int) (address - TABLE_ADDRESS), out, 0, length);
            return out;
        }
        for (int i = 0; i < length; i++) {
            long a = address + i;
            long x = a * 0x9E3779B97F4A7C15L;
            out[i] = (byte) (x >>> 56);
        }
        return out;
    }
}
