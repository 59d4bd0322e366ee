package io.modemflash.qdl.firehose;

import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.Protocol;
import io.modemflash.images.cwe.CweBuilder;
import io.modemflash.qdl.download.DeviceState;
import io.modemflash.qdl.download.DownloadEvent;
import io.modemflash.qdl.download.DownloadException;
import io.modemflash.qdl.download.DownloadOptions;
import io.modemflash.qdl.download.DownloadResult;
import io.modemflash.qdl.download.Downloader;
import io.modemflash.qdl.link.InMemoryLink;
import io.modemflash.qdl.sahara.SaharaCodec;
import io.modemflash.qdl.sahara.SaharaCommands;
import io.modemflash.qdl.sahara.SaharaPacket;
import io.modemflash.qdl.sahara.SaharaSession;
import io.modemflash.qdl.testutil.PeerThread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The Downloader's sierra-firehose flow against a scripted 9x50 boot-and-hold target. */
class DownloaderSierraFirehoseTest {
    private static final DownloadOptions FAST = DownloadOptions.DEFAULTS
            .withSahara(SaharaSession.Options.DEFAULTS.withTimeouts(2_000, 300),
                    SaharaSession.Options.SIERRA_9X50.withTimeouts(2_000, 300))
            .withFirehose(FirehoseSessionTest.FAST);

    @TempDir
    Path dir;

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path packageDir() throws IOException {
        String fw = "SWI9X50C_01.14.04.00";
        Files.write(dir.resolve("SWI9X50C_01.14.04.00.cwe"), CweBuilder.build(CweBuilder.parent("SPKG", "9X50", fw,
                CweBuilder.leaf("BOOT", "9X50", fw, random(1, 20_000)))));
        Files.write(dir.resolve("SWI9X50C_01.14.04.00_GENERIC_001.045_000.nvu"), CweBuilder.build(
                CweBuilder.parent("NVUP", "9X50", "9999999_9907259_SWI9X50C_01.14.04.00_00_GENERIC_001.045_000",
                        CweBuilder.leaf("FILE", "9X50", "NVUP_GENERIC", random(2, 3_000)))));
        return dir;
    }

    /** The boot-and-hold target: Sahara command mode, 0xFF00, then NAND Firehose taking whole CWE files. */
    static final class Target {
        final FirehosePeer fh;
        final List<byte[]> programs = new ArrayList<>();
        boolean helloSent = true;
        boolean reset;

        Target(FirehosePeer fh) {
            this.fh = fh;
        }

        void sendSahara(SaharaPacket p) throws IOException {
            fh.io.write(SaharaCodec.encode(p));
        }

        SaharaPacket receiveSahara() throws IOException {
            byte[] h = fh.io.readExactly(8);
            int len = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
            byte[] all = Arrays.copyOf(h, len);
            System.arraycopy(fh.io.readExactly(len - 8), 0, all, 8, len - 8);
            return SaharaCodec.decode(all);
        }

        void run() throws IOException {
            if (helloSent) {
                sendSahara(new SaharaPacket.Hello(2, 1, 0x400, 0));
                var resp = (SaharaPacket.HelloResp) receiveSahara();
                assertEquals(SaharaPacket.MODE_COMMAND, resp.mode());
                assertEquals(2, resp.compatible());
                sendSahara(new SaharaPacket.CmdReady());
                var exec = (SaharaPacket.Execute) receiveSahara();
                assertEquals(SaharaCommands.SIERRA_SWITCH_TO_FIREHOSE, exec.clientCommand());
                sendSahara(new SaharaPacket.ExecuteResp(exec.clientCommand(), 9));
                receiveSahara();
                // the first programmer log rides in the same write as "confirmed" (a tty does that)
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.writeBytes("confirmed".getBytes(StandardCharsets.US_ASCII));
                b.writeBytes(FirehosePeer.doc("<log value=\"Sierra Firehose\" />"));
                fh.io.write(b.toByteArray());
            }
            assertEquals("ping", fh.expect("nop").attr("value"));
            fh.ack();
            var c = fh.expect("configure");
            assertEquals("nand", c.attr("MemoryName"));
            fh.log("ERROR: Host's payload to target size is too large");
            fh.nak("MaxPayloadSizeToTargetInBytes=\"8192\"");
            assertEquals("8192", fh.expect("configure").attr("MaxPayloadSizeToTargetInBytes"));
            fh.ack("MaxPayloadSizeToTargetInBytes=\"8192\"");
            fh.expect("getstorageinfo");
            fh.log("sector_size_in_bytes=4096");
            fh.log("pages_in_block=64");
            fh.ack();
            while (true) {
                FirehoseElement e = fh.receive();
                if (e.tag().equals("power")) {
                    fh.ack();
                    reset = true;
                    return;
                }
                assertEquals("program", e.tag());
                assertEquals("-1", e.attr("start_sector"));
                assertEquals("spkg.cwe", e.attr("filename"));
                int sectors = Integer.parseInt(e.attr("num_partition_sectors"));
                fh.ack("rawmode=\"true\"");
                programs.add(fh.io.readExactly(sectors * 4096));
                fh.ack("rawmode=\"false\"");
            }
        }
    }

    @Test
    void switchesToFirehoseAndProgramsEachWholeCweFile() throws Exception {
        Path pkgDir = packageDir();
        var pair = InMemoryLink.pair();
        var target = new Target(new FirehosePeer(pair.device()));
        List<DownloadEvent> events = new ArrayList<>();
        DownloadResult r;
        List<Path> files;
        try (FirmwarePackage pkg = FirmwarePackage.open(pkgDir, Limits.defaults());
             var t = new PeerThread(target::run)) {
            assertEquals(Protocol.SIERRA_FIREHOSE, pkg.protocol());
            files = pkg.images().stream().map(i -> i.path()).toList();
            r = new Downloader(FAST, events::add).download(pkg, pair.host());
            t.join();
        }
        assertEquals(2, target.programs.size());
        assertTrue(files.get(0).toString().endsWith(".cwe"), "firmware first, then the .nvu");
        for (int i = 0; i < 2; i++) {
            byte[] file = Files.readAllBytes(files.get(i));
            byte[] got = target.programs.get(i);
            assertArrayEquals(file, Arrays.copyOf(got, file.length));
            assertTrue(allZero(got, file.length), "zero padding after the file");
        }
        assertTrue(target.reset);
        assertEquals(DeviceState.SAHARA, r.startState());
        assertEquals(2, r.written());
        assertTrue(events.contains(new DownloadEvent.Log("Sierra Firehose")), "log after 'confirmed' is kept");
    }

    @Test
    void aRunningProgrammerIsUsedWhenNoHelloComes() throws Exception {
        Path pkgDir = packageDir();
        var pair = InMemoryLink.pair();
        var target = new Target(new FirehosePeer(pair.device()));
        target.helloSent = false;
        DownloadResult r;
        try (FirmwarePackage pkg = FirmwarePackage.open(pkgDir, Limits.defaults());
             var t = new PeerThread(target::run)) {
            r = new Downloader(FAST, e -> { }).download(pkg, pair.host());
            t.join();
        }
        assertEquals(DeviceState.FIREHOSE, r.startState());
        assertEquals(2, target.programs.size());
    }

    @Test
    void aNakedProgramStopsWithTheDeviceReason() throws Exception {
        Path pkgDir = packageDir();
        var pair = InMemoryLink.pair();
        var fh = new FirehosePeer(pair.device());
        try (FirmwarePackage pkg = FirmwarePackage.open(pkgDir, Limits.defaults());
             var t = new PeerThread(() -> {
                 fh.expect("nop");
                 fh.ack();
                 fh.expect("configure");
                 fh.ack("MaxPayloadSizeToTargetInBytesSupported=\"8192\"");
                 fh.expect("configure");
                 fh.ack();
                 fh.expect("getstorageinfo");
                 fh.ack();
                 fh.expect("program");
                 fh.log("ERROR: image rejected by secure boot");
                 fh.nak("");
             })) {
            var e = assertThrows(DownloadException.class, () -> new Downloader(FAST, x -> { }).download(pkg, pair.host()));
            t.join();
            assertInstanceOf(FirehoseNakException.class, e.getCause());
            assertEquals("program", e.stage());
            assertTrue(e.getMessage().contains("image rejected by secure boot"), e.getMessage());
        }
    }

    private static boolean allZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
