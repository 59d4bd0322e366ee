package io.modemflash.qdl.firehose;

import io.modemflash.qdl.Progress;
import io.modemflash.qdl.firehose.FirehoseSession.Region;
import io.modemflash.qdl.link.InMemoryLink;
import io.modemflash.qdl.link.LinkTimeoutException;
import io.modemflash.qdl.testutil.PeerThread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class FirehoseSessionTest {

    static final FirehoseSession.Options FAST = FirehoseSession.Options.DEFAULTS.withTimeouts(
            new FirehoseSession.Timeouts(2_000, 2_000, 2_000, 2_000, 2_000, 2_000, 2_000, 2_000, 100, 300));

    @Test
    void bannerGatesCommands() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        peer.log("Binary build date: Jan 01 2024 @ 00:00:00");
        peer.log("Supported Functions (3):");
        peer.log("configure");
        peer.log("program");
        peer.log("nop");
        peer.log("End of supported functions 3");
        var s = new FirehoseSession(pair.host(), FAST);
        List<String> seen = new ArrayList<>();
        s.onLog(seen::add);
        List<String> logs = s.readBanner();
        assertEquals(6, logs.size());
        assertEquals(6, seen.size());
        assertEquals(java.util.Set.of("configure", "program", "nop"), s.supportedFunctions());
        var e = assertThrows(FirehoseUnsupportedException.class, () -> s.erase(512, 0, "0", 8L));
        assertTrue(e.getMessage().contains("<erase>"), e.getMessage());
        assertEquals(0, pair.device().read(new byte[64], 0, 64, 50), "nothing was sent");
    }

    @Test
    void silentProgrammerGetsANop() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        try (var t = new PeerThread(() -> {
            peer.expect("nop");
            peer.log("Supported Functions: nop configure");
            peer.ack();
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            s.readBanner();
            t.join();
            assertTrue(s.supportedFunctions().contains("configure"));
        }
    }

    @Test
    void configureNakTakesTheOfferedPayloadAndConfiguresAgain() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        try (var t = new PeerThread(() -> {
            var c = peer.expect("configure");
            assertEquals("1048576", c.attr("MaxPayloadSizeToTargetInBytes"));
            assertEquals("1", c.attr("ZlpAwareHost"));
            assertEquals("nand", c.attr("MemoryName"));
            peer.log("ERROR: Host's payload to target size is too large");
            peer.nak("MemoryName=\"NAND\" MaxPayloadSizeFromTargetInBytes=\"2048\" "
                    + "MaxPayloadSizeToTargetInBytes=\"8192\" MaxPayloadSizeToTargetInBytesSupported=\"8192\" "
                    + "TargetName=\"9x55\"");
            assertEquals("8192", peer.expect("configure").attr("MaxPayloadSizeToTargetInBytes"));
            peer.ack("MemoryName=\"NAND\" MaxPayloadSizeToTargetInBytes=\"8192\" TargetName=\"9x55\" "
                    + "MaxXMLSizeInBytes=\"4096\"");
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            var cfg = s.configure("nand", false);
            t.join();
            assertEquals(8192, cfg.maxPayloadToTarget());
            assertEquals(8192, s.payload());
            assertEquals("9x55", cfg.targetName());
            assertEquals(4096, cfg.maxXmlSize());
        }
    }

    @Test
    void configureAckTakesSupportedAndReconfiguresWhenItDiffers() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        try (var t = new PeerThread(() -> {
            peer.expect("configure");
            peer.ack("MaxPayloadSizeToTargetInBytes=\"1048576\" MaxPayloadSizeToTargetInBytesSupported=\"524288\"");
            assertEquals("524288", peer.expect("configure").attr("MaxPayloadSizeToTargetInBytes"));
            peer.ack("MaxPayloadSizeToTargetInBytesSupported=\"524288\"");
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            assertEquals(524288, s.configure("emmc", false).maxPayloadToTarget());
            t.join();
        }
    }

    @Test
    void secondConfigureMustAck() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        try (var t = new PeerThread(() -> {
            peer.expect("configure");
            peer.nak("MaxPayloadSizeToTargetInBytes=\"8192\"");
            peer.expect("configure");
            peer.log("ERROR: still unhappy");
            peer.nak("MaxPayloadSizeToTargetInBytes=\"4096\"");
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            var e = assertThrows(FirehoseNakException.class, () -> s.configure("nand", false));
            assertEquals("still unhappy", e.reason());
            t.join();
        }
    }

    @Test
    void rawProgramSendsExactSectorsInPayloadChunksWithZlps() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        byte[] data = new byte[10_000];
        new Random(5).nextBytes(data);
        List<Integer> transfers = new ArrayList<>();
        var received = new ByteArrayOutputStream();
        try (var t = new PeerThread(() -> {
            peer.expect("configure");
            peer.nak("MaxPayloadSizeToTargetInBytes=\"8192\"");
            peer.expect("configure");
            peer.ack();
            var p = peer.expect("program");
            assertEquals("4096", p.attr("SECTOR_SIZE_IN_BYTES"));
            assertEquals("3", p.attr("num_partition_sectors"));
            assertEquals("NUM_DISK_SECTORS-5.", p.attr("start_sector"), "passed verbatim");
            assertEquals("modem.img", p.attr("filename"));
            assertEquals("2", p.attr("physical_partition_number"));
            peer.ack("rawmode=\"true\"");
            byte[] buf = new byte[1 << 20];
            while (received.size() < 3 * 4096) {
                int n = pair.device().read(buf, 0, buf.length, 2_000); // one USB transfer per read
                transfers.add(n);
                received.write(buf, 0, n);
            }
            peer.ack("rawmode=\"false\"");
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            s.configure("ufs", false);
            long[] last = new long[2];
            s.program(new Region(4096, 3, 2, "NUM_DISK_SECTORS-5."), "modem.img", Map.of(),
                    new ByteArrayInputStream(data), data.length, (n, done, total) -> {
                        last[0] = done;
                        last[1] = total;
                    });
            t.join();
            assertEquals(List.of(8192, 4096), transfers);
            byte[] expected = Arrays.copyOf(data, 3 * 4096);
            assertArrayEquals(expected, received.toByteArray(), "data then zero padding");
            assertEquals(3 * 4096, last[0]);
            assertEquals(3 * 4096, last[1]);
            assertEquals(0, pair.device().read(new byte[16], 0, 16, 50), "only a trailing ZLP is left");
            assertEquals(2, pair.device().zeroLengthPacketsReceived(), "a ZLP after each full-packet raw write");
        }
    }

    @Test
    void programWithMoreSectorsThanDataPadsWithZeros() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        byte[] got = new byte[4 * 512];
        try (var t = new PeerThread(() -> {
            peer.expect("program");
            peer.ack("rawmode=\"true\"");
            System.arraycopy(peer.io.readExactly(got.length), 0, got, 0, got.length);
            peer.ack("rawmode=\"false\"");
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            s.program(new Region(512, 4, 0, "0"), "x", Map.of(), new ByteArrayInputStream(new byte[] {1, 2, 3}), 3,
                    Progress.NONE);
            t.join();
            assertEquals(1, got[0]);
            assertEquals(3, got[2]);
            assertEquals(0, got[3]);
            assertEquals(0, got[2047]);
        }
    }

    @Test
    void nakReasonComesFromThePrecedingErrorLog() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        try (var t = new PeerThread(() -> {
            peer.expect("program");
            peer.log("INFO: looking at partition");
            peer.log("ERROR: Failed to open the device 3 slot 0 partition 5");
            peer.log("INFO: bye");
            peer.nak("rawmode=\"false\"");
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            var e = assertThrows(FirehoseNakException.class, () -> s.program(new Region(512, 1, 5, "0"), "x",
                    Map.of(), new ByteArrayInputStream(new byte[1]), 1, Progress.NONE));
            assertEquals("Failed to open the device 3 slot 0 partition 5", e.reason());
            assertEquals("programmer refused <program>: Failed to open the device 3 slot 0 partition 5", e.getMessage());
            t.join();
        }
    }

    @Test
    void sierraCweFlowWithStorageInfoDefaults() throws Exception {
        var pair = InMemoryLink.pair(InMemoryLink.Options.TTY);
        var peer = new FirehosePeer(pair.device());
        byte[] cwe = new byte[9000];
        new Random(11).nextBytes(cwe);
        try (var t = new PeerThread(() -> {
            peer.expect("getstorageinfo");
            peer.log("INFO: nothing useful"); // EM9191 reports neither value
            peer.ack();
            var p = peer.expect("program");
            assertEquals("-1", p.attr("start_sector"));
            assertEquals("4096", p.attr("SECTOR_SIZE_IN_BYTES"));
            assertEquals("64", p.attr("PAGES_PER_BLOCK"));
            assertEquals("3", p.attr("num_partition_sectors"));
            assertEquals("0", p.attr("physical_partition_number"));
            assertEquals("spkg.cwe", p.attr("filename"));
            peer.ack("rawmode=\"true\"");
            byte[] got = peer.io.readExactly(3 * 4096);
            assertArrayEquals(cwe, Arrays.copyOf(got, cwe.length));
            peer.ack("rawmode=\"false\"");
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            var info = s.getStorageInfo(0);
            s.programCwe(new ByteArrayInputStream(cwe), cwe.length, "spkg.cwe", info, Progress.NONE);
            t.join();
        }
    }

    @Test
    void readTakesRawBytesThatArrivedWithTheResponse() throws Exception {
        var pair = InMemoryLink.pair(InMemoryLink.Options.TTY);
        var peer = new FirehosePeer(pair.device());
        byte[] disk = new byte[3 * 512];
        new Random(2).nextBytes(disk);
        try (var t = new PeerThread(() -> {
            var r = peer.expect("read");
            assertEquals("3", r.attr("num_partition_sectors"));
            byte[] ack = FirehosePeer.doc("<response value=\"ACK\" rawmode=\"true\" />");
            byte[] both = Arrays.copyOf(ack, ack.length + 100);
            System.arraycopy(disk, 0, both, ack.length, 100);
            peer.io.write(both); // response and the first raw bytes in one write
            peer.io.write(Arrays.copyOfRange(disk, 100, disk.length));
            peer.ack("rawmode=\"false\"");
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            var out = new ByteArrayOutputStream();
            s.read(new Region(512, 3, 0, "0"), out, Progress.NONE);
            t.join();
            assertArrayEquals(disk, out.toByteArray());
        }
    }

    @Test
    void sha256FromTheDigestLog() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[512]));
        try (var t = new PeerThread(() -> {
            peer.expect("getsha256digest");
            peer.log("Digest " + hex.toUpperCase());
            peer.ack();
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            assertEquals(hex, s.sha256(new Region(512, 1, 0, "0")));
            t.join();
        }
    }

    @Test
    void patchEraseBootableAndPowerWithTrailingLogs() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        try (var t = new PeerThread(() -> {
            var p = peer.expect("patch");
            assertEquals("DISK", p.attr("filename"));
            assertEquals("NUM_DISK_SECTORS-1.", p.attr("value"));
            peer.ack();
            var e = peer.expect("erase");
            assertNull(e.attr("start_sector"), "whole LUN");
            peer.ack();
            assertEquals("1", peer.expect("setbootablestoragedrive").attr("value"));
            peer.ack();
            var pw = peer.expect("power");
            assertEquals("reset", pw.attr("value"));
            peer.ack();
            peer.log("INFO: Calling reset");
            pair.device().close(); // drops off the bus
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            s.patch(new FirehoseSession.Patch(512, "1096", 0, "8", "NUM_DISK_SECTORS-34.", "NUM_DISK_SECTORS-1.",
                    "Update last partition"));
            s.erase(4096, 0, null, null);
            s.setBootableStorageDrive(1);
            List<String> logs = s.power("reset", 0);
            t.join();
            assertTrue(logs.contains("INFO: Calling reset"), logs.toString());
        }
    }

    @Test
    void noResponseTimesOut() {
        var pair = InMemoryLink.pair();
        var s = new FirehoseSession(pair.host(), FAST);
        assertThrows(LinkTimeoutException.class, s::nop);
    }

    @Test
    void logsAfterAResponseAndSeveralDocsPerRead() throws Exception {
        var pair = InMemoryLink.pair(InMemoryLink.Options.TTY);
        var s = new FirehoseSession(pair.host(), FAST, "<?xml version=\"1.0\" ?><data><log value=\"early\"/></da"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] rest = "ta>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] resp = FirehosePeer.doc("<response value=\"ACK\" />");
        byte[] trailing = FirehosePeer.doc("<log value=\"late\" />");
        var all = new ByteArrayOutputStream();
        all.write(rest);
        all.write(resp);
        all.write(trailing);
        pair.device().write(all.toByteArray());
        var reply = s.nop();
        assertEquals(List.of("early"), reply.logs());
        assertEquals(List.of("late"), s.drainLogs());
    }

    @Test
    void sparseImageProgramsOneCommandPerRawOrFillRun(@TempDir Path dir) throws Exception {
        // blk 4096: RAW 1 block, DONT_CARE 2 blocks, FILL 1 block (0x11223344), total 4 blocks
        ByteBuffer b = ByteBuffer.allocate(28 + 12 + 4096 + 12 + 12 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xED26FF3A).putShort((short) 1).putShort((short) 0).putShort((short) 28).putShort((short) 12)
                .putInt(4096).putInt(4).putInt(3).putInt(0);
        byte[] raw = new byte[4096];
        new Random(4).nextBytes(raw);
        b.putShort((short) 0xCAC1).putShort((short) 0).putInt(1).putInt(12 + 4096).put(raw);
        b.putShort((short) 0xCAC3).putShort((short) 0).putInt(2).putInt(12);
        b.putShort((short) 0xCAC2).putShort((short) 0).putInt(1).putInt(16).putInt(0x11223344);
        Path f = dir.resolve("system.img");
        Files.write(f, b.array());
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        try (var t = new PeerThread(() -> {
            var p1 = peer.expect("program");
            assertEquals("100", p1.attr("start_sector"));
            assertEquals("8", p1.attr("num_partition_sectors"));
            peer.ack("rawmode=\"true\"");
            assertArrayEquals(raw, peer.io.readExactly(4096));
            peer.ack("rawmode=\"false\"");
            var p2 = peer.expect("program");
            assertEquals(Long.toString(100 + 3 * 8), p2.attr("start_sector"), "DONT_CARE skipped");
            peer.ack("rawmode=\"true\"");
            byte[] fill = peer.io.readExactly(4096);
            assertEquals(0x44, fill[0] & 0xff);
            assertEquals(0x11, fill[4095] & 0xff);
            peer.ack("rawmode=\"false\"");
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            long[] last = new long[2];
            try (FileChannel ch = FileChannel.open(f)) {
                s.programSparse(ch, "system.img", 512, 0, 100, (n, done, total) -> {
                    last[0] = done;
                    last[1] = total;
                });
            }
            t.join();
            assertEquals(8192, last[0]);
            assertEquals(8192, last[1]);
        }
    }

    @Test
    void programFileRoundsUpToWholeSectorsWithPositionalReads(@TempDir Path dir) throws Exception {
        byte[] data = new byte[5000];
        new Random(6).nextBytes(data);
        Path f = dir.resolve("sbl1.mbn");
        Files.write(f, data);
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        try (var t = new PeerThread(() -> {
            var p = peer.expect("program");
            assertEquals("2", p.attr("num_partition_sectors"));
            assertEquals("sbl1.mbn", p.attr("filename"));
            peer.ack("rawmode=\"true\"");
            assertArrayEquals(Arrays.copyOf(data, 8192), peer.io.readExactly(8192));
            peer.ack("rawmode=\"false\"");
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            try (FileChannel ch = FileChannel.open(f)) {
                ch.position(123);
                s.programFile(ch, "sbl1.mbn", 4096, 0, "34", Progress.NONE);
                assertEquals(123, ch.position(), "the caller's position is left alone");
            }
            t.join();
        }
    }

    @Test
    void sierraPingIsGatedCaseInsensitively() throws Exception {
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        peer.log("Supported Functions (1): nop");
        try (var t = new PeerThread(() -> {
            var e = peer.expect("nop");
            assertEquals("ping", e.attr("value"));
            peer.ack();
        })) {
            var s = new FirehoseSession(pair.host(), FAST);
            s.readBanner();
            s.nop("ping");
            t.join();
        }
    }
}
