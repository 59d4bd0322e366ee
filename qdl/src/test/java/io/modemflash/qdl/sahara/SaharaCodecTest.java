package io.modemflash.qdl.sahara;

import io.modemflash.qdl.sahara.SaharaCommands.MemoryRegion;
import io.modemflash.qdl.sahara.SaharaPacket.*;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static io.modemflash.qdl.testutil.Hex.bytes;
import static io.modemflash.qdl.testutil.Hex.hex;
import static org.junit.jupiter.api.Assertions.*;

class SaharaCodecTest {

    static final List<SaharaPacket> ALL = List.of(new Hello(2, 1, 0x400, 0), new HelloResp(2, 1, 0, 3),
            new ReadData(13, 0x1000, 0x34), new EndOfImageTx(13, 0x21), new Done(), new DoneResp(1), new Reset(),
            new ResetResp(), new MemoryDebug(0x1000, 0x68), new MemoryRead(0x80000000L, 0x80000), new CmdReady(),
            new SwitchMode(0), new Execute(0xFF00), new ExecuteResp(0xFF00, 9), new ExecuteData(0xFF00),
            new MemoryDebug64(0x1_0000_0000L, 0x80), new MemoryRead64(0x1_0000_0000L, 0x80000),
            new ReadData64(13, 0x1_0000_0000L, 0x1000), new ResetStateMachine());

    @Test
    void everyPacketRoundTripsWithItsTableLength() throws SaharaPacketException {
        int[] expected = {0x30, 0x30, 0x14, 0x10, 8, 0x0C, 8, 8, 0x10, 0x10, 8, 0x0C, 0x0C, 0x10, 0x0C, 0x18, 0x18, 0x20, 8};
        for (int i = 0; i < ALL.size(); i++) {
            SaharaPacket p = ALL.get(i);
            byte[] wire = SaharaCodec.encode(p);
            assertEquals(expected[i], wire.length, SaharaCodec.nameOf(p.command()));
            ByteBuffer b = ByteBuffer.wrap(wire).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(p.command(), b.getInt());
            assertEquals(wire.length, b.getInt());
            assertEquals(p, SaharaCodec.decode(wire));
        }
    }

    @Test
    void helloLayout() throws SaharaPacketException {
        byte[] wire = bytes("01000000 30000000 02000000 01000000 00040000 03000000"
                + "000000000000000000000000000000000000000000000000");
        assertEquals(new Hello(2, 1, 0x400, 3), SaharaCodec.decode(wire));
        assertEquals("0C 00 00 00 0C 00 00 00 00 00 00 00", hex(SaharaCodec.encode(new SwitchMode(0))));
    }

    @Test
    void wrongLengthsAreSpecificErrors() {
        byte[] hello = SaharaCodec.encode(new Hello(2, 1, 0x400, 0));
        assertThrows(SaharaLengthException.class, () -> SaharaCodec.decode(Arrays.copyOf(hello, 0x2F)));
        assertThrows(SaharaLengthException.class, () -> SaharaCodec.decode(Arrays.copyOf(hello, 0x31)));
        byte[] lying = hello.clone();
        lying[4] = 0x2C;
        assertThrows(SaharaLengthException.class, () -> SaharaCodec.decode(lying));
        assertThrows(SaharaLengthException.class, () -> SaharaCodec.decode(bytes("01 00 00")));
        assertThrows(SaharaLengthException.class, () -> SaharaCodec.decode(new byte[0]));
        assertThrows(SaharaLengthException.class, () -> SaharaCodec.decode(bytes("05000000 FFFFFFFF")));
    }

    @Test
    void unknownCommandsAreRejected() {
        var e = assertThrows(SaharaPacketException.class, () -> SaharaCodec.decode(bytes("99000000 08000000")));
        assertFalse(e instanceof SaharaLengthException);
        assertThrows(SaharaPacketException.class, () -> SaharaCodec.decode(bytes("00000000 08000000")));
        assertThrows(SaharaPacketException.class, () -> SaharaCodec.decode(bytes("05000001 08000000")));
    }

    @Test
    void packetLengthNeedsAHeader() throws SaharaPacketException {
        assertEquals(-1, SaharaCodec.packetLength(new byte[7], 0, 7));
        assertEquals(0x30, SaharaCodec.packetLength(SaharaCodec.encode(new Hello(2, 1, 0x400, 0)), 0, 8));
    }

    @Test
    void statusNames() {
        assertEquals(0x27, SaharaStatus.values().length);
        for (SaharaStatus s : SaharaStatus.values()) {
            assertEquals(s.ordinal(), s.code, s.name());
        }
        assertEquals(SaharaStatus.HASH_TABLE_AUTH_FAILURE, SaharaStatus.of(0x21));
        assertEquals("invalid command (0x01)", SaharaStatus.describe(1));
        assertEquals("protocol mismatch (0x02)", SaharaStatus.describe(2), "not edl's shifted table");
        assertEquals("invalid image hash table size (0x26)", SaharaStatus.describe(0x26));
        assertEquals("unknown status 0x27", SaharaStatus.describe(0x27));
        assertEquals("unknown status 0xFFFFFFFF", SaharaStatus.describe(0xFFFFFFFFL));
    }

    @Test
    void hwIdSplits() throws SaharaLengthException {
        byte[] d = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(0x000460E1_0051_0001L)
                .putLong(0x000460E1_0051_0001L).putLong(0x000460E1_0051_0001L).array();
        var id = SaharaCommands.hwId(d);
        assertEquals(0x000460E1L, id.msmId());
        assertEquals(0x0051, id.oemId());
        assertEquals(0x0001, id.modelId());
        assertThrows(SaharaLengthException.class, () -> SaharaCommands.hwId(new byte[4]));
    }

    @Test
    void chipIdV3() throws SaharaLengthException {
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(36, 0x0013F0E1).putShort(40, (short) 0).putShort(42, (short) 0x0007).putShort(44, (short) 0x0072);
        var id = SaharaCommands.chipIdV3(b.array());
        assertEquals(0x0013F0E1L, id.msmId());
        assertEquals(0x0072, id.oemId(), "alternate oem id at 44 when 40 is 0");
        assertEquals(7, id.modelId());
        b.putShort(40, (short) 0x0051);
        assertEquals(0x0051, SaharaCommands.chipIdV3(b.array()).oemId());
        assertThrows(SaharaLengthException.class, () -> SaharaCommands.chipIdV3(new byte[40]));
    }

    @Test
    void pkHashTrimsRepeatsAndZeros() {
        byte[] h = new byte[32];
        for (int i = 0; i < 32; i++) {
            h[i] = (byte) (i + 1);
        }
        byte[] repeated = new byte[96 + 32];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(h, 0, repeated, i * 32, 32);
        }
        assertArrayEquals(h, SaharaCommands.pkHash(repeated));
        byte[] h48 = new byte[48];
        for (int i = 0; i < 48; i++) {
            h48[i] = (byte) (0x80 + i);
        }
        byte[] twice = Arrays.copyOf(h48, 96);
        System.arraycopy(h48, 0, twice, 48, 48);
        assertArrayEquals(h48, SaharaCommands.pkHash(twice));
        byte[] endsInZero = h.clone();
        endsInZero[31] = 0;
        assertArrayEquals(endsInZero, SaharaCommands.pkHash(Arrays.copyOf(endsInZero, 64)));
        assertArrayEquals(new byte[] {5, 6}, SaharaCommands.pkHash(new byte[] {5, 6, 0, 0}));
    }

    static byte[] regionEntry(boolean is64, long base, long len, String desc, String name) {
        ByteBuffer b = ByteBuffer.allocate(SaharaCommands.regionEntrySize(is64)).order(ByteOrder.LITTLE_ENDIAN);
        if (is64) {
            b.putLong(1).putLong(base).putLong(len);
        } else {
            b.putInt(1).putInt((int) base).putInt((int) len);
        }
        byte[] d = new byte[20];
        System.arraycopy(desc.getBytes(), 0, d, 0, desc.length());
        byte[] n = new byte[20];
        System.arraycopy(name.getBytes(), 0, n, 0, name.length());
        return b.put(d).put(n).array();
    }

    @Test
    void regionTables() throws SaharaPacketException {
        byte[] t32 = regionEntry(false, 0x8000_0000L, 0x1000, "DDR", "DDRCS0.BIN");
        assertEquals(List.of(new MemoryRegion(1, 0x8000_0000L, 0x1000, "DDR", "DDRCS0.BIN")),
                SaharaCommands.regionTable(t32, false));
        byte[] t64 = regionEntry(true, 0x1_0000_0000L, 0x2000, "OCIMEM", "OCIMEM.BIN");
        assertEquals(0x1_0000_0000L, SaharaCommands.regionTable(t64, true).get(0).base());
        assertThrows(SaharaLengthException.class, () -> SaharaCommands.regionTable(Arrays.copyOf(t32, 51), false));
        assertThrows(SaharaPacketException.class,
                () -> SaharaCommands.regionTable(regionEntry(false, 0, 1, "x", "../etc/passwd"), false));
        assertThrows(SaharaPacketException.class,
                () -> SaharaCommands.regionTable(regionEntry(false, 0, 1, "x", "a\\b"), false));
        assertThrows(SaharaPacketException.class,
                () -> SaharaCommands.regionTable(regionEntry(false, 0, 1, "x", ".."), false));
    }
}
