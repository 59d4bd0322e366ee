package io.modemflash.updater.cli;

import io.modemflash.posix.Pty;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.link.TtyLink;
import io.modemflash.qdl.sahara.SaharaCodec;
import io.modemflash.qdl.sahara.SaharaPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static io.modemflash.updater.cli.DownloadCommandTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * `sahara dump` against a scripted crash-dump device on a pty (the emulator has no memory-debug
 * personality): HELLO mode 2, a 32-bit region table, MEMORY_READ pieces.
 */
class SaharaDumpCommandTest {
    static final long TABLE = 0x8000_0000L;

    /** Reads one host packet from the device end. */
    static SaharaPacket receive(Link link) throws IOException {
        byte[] h = readExactly(link, 8);
        int len = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        byte[] all = Arrays.copyOf(h, len);
        System.arraycopy(readExactly(link, len - 8), 0, all, 8, len - 8);
        return SaharaCodec.decode(all);
    }

    static byte[] readExactly(Link link, int n) throws IOException {
        byte[] b = new byte[n];
        int got = 0;
        while (got < n) {
            int r = link.read(b, got, n - got, 10_000);
            if (r == 0) {
                throw new IOException("device: nothing from the host");
            }
            got += r;
        }
        return b;
    }

    static byte[] entry(long base, long length, String desc, String file) {
        ByteBuffer b = ByteBuffer.allocate(52).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1).putInt((int) base).putInt((int) length);
        b.put(Arrays.copyOf(desc.getBytes(StandardCharsets.US_ASCII), 20));
        b.put(Arrays.copyOf(file.getBytes(StandardCharsets.US_ASCII), 20));
        return b.array();
    }

    @Test
    void dumpsEveryRegionIntoItsFile(@TempDir Path dir) throws Exception {
        byte[] ddr = new byte[700_000]; // more than one 512 KiB MEMORY_READ piece
        new Random(5).nextBytes(ddr);
        byte[] ocimem = new byte[4096];
        new Random(6).nextBytes(ocimem);
        byte[] table = new byte[104];
        System.arraycopy(entry(0x4000_0000L, ddr.length, "DDR CS0", "DDRCS0.BIN"), 0, table, 0, 52);
        System.arraycopy(entry(0x0800_0000L, ocimem.length, "OCIMEM", "OCIMEM.BIN"), 0, table, 52, 52);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Pty pty = Pty.open(); Link device = TtyLink.adopt(pty.master(), "crash-dump device")) {
            Thread t = new Thread(() -> {
                try {
                    device.write(SaharaCodec.encode(new SaharaPacket.Hello(2, 1, 0x400, SaharaPacket.MODE_MEMORY_DEBUG)));
                    var resp = (SaharaPacket.HelloResp) receive(device);
                    assertEquals(SaharaPacket.MODE_MEMORY_DEBUG, resp.mode());
                    device.write(SaharaCodec.encode(new SaharaPacket.MemoryDebug(TABLE, table.length)));
                    while (true) {
                        var r = (SaharaPacket.MemoryRead) receive(device);
                        byte[] src = r.address() == TABLE ? table : r.address() >= 0x4000_0000L ? ddr : ocimem;
                        long base = r.address() == TABLE ? TABLE : r.address() >= 0x4000_0000L ? 0x4000_0000L : 0x0800_0000L;
                        int off = (int) (r.address() - base);
                        device.write(Arrays.copyOfRange(src, off, off + (int) r.length()));
                        if (src == ocimem) {
                            return;
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.setDaemon(true);
            t.start();
            Path out = dir.resolve("dump");
            var r = run("sahara", "dump", out.toString(), "--tty", pty.slavePath().toString(), "--json");
            t.join(10_000);
            assertNull(failure.get());
            assertEquals(0, r.code(), r.err());
            assertArrayEquals(ddr, Files.readAllBytes(out.resolve("DDRCS0.BIN")));
            assertArrayEquals(ocimem, Files.readAllBytes(out.resolve("OCIMEM.BIN")));
            assertEquals(2, r.last().get("files").size());
            assertEquals("0x40000000", r.last().get("files").get(0).get("base").asText());
        }
    }
}
