package io.modemflash.qdl.hdlc;

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
import io.modemflash.qdl.download.WrongDeviceException;
import io.modemflash.qdl.link.InMemoryLink;
import io.modemflash.qdl.sahara.SaharaCodec;
import io.modemflash.qdl.sahara.SaharaPacket;
import io.modemflash.qdl.testutil.PeerIo;
import io.modemflash.qdl.testutil.PeerThread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The Downloader's Sierra QDL flow against the scripted QDL target of {@link SierraQdlSessionTest}. */
class DownloaderQdlTest {
    private static final DownloadOptions FAST = DownloadOptions.DEFAULTS.withQdl(
            new SierraQdlSession.Options(2_000, 2_000, 200, 64 * 1024, new int[] {6, 5, 4}));

    @TempDir
    Path dir;

    private Path spk() throws Exception {
        byte[] boot = new byte[150_000];
        new Random(9).nextBytes(boot);
        String fw = "SWI9X30C_02.38.00.00";
        byte[] file = CweBuilder.build(CweBuilder.parent("SPKG", "9X30", fw, CweBuilder.leaf("BOOT", "9X30", fw, boot)));
        return Files.write(dir.resolve("SWI9X30C_02.38.00.00_GENERIC_002.079_000.spk"), file);
    }

    @Test
    void flashesEachCweFileAndResets() throws Exception {
        Path spk = spk();
        var pair = InMemoryLink.pair();
        var peer = new SierraQdlSessionTest.Peer(new PeerIo(pair.device()));
        List<DownloadEvent> events = new ArrayList<>();
        DownloadResult r;
        try (FirmwarePackage pkg = FirmwarePackage.open(spk, Limits.defaults());
             var t = new PeerThread(peer::run)) {
            assertEquals(Protocol.SIERRA_QDL, pkg.protocol());
            r = new Downloader(FAST, events::add).download(pkg, pair.host());
            t.join();
        }
        byte[] file = Files.readAllBytes(spk);
        assertArrayEquals(Arrays.copyOfRange(file, 400, file.length), peer.received.toByteArray());
        assertArrayEquals(Arrays.copyOf(file, 400), peer.opened.header());
        assertTrue(peer.reset);
        assertEquals(DeviceState.QDL, r.startState());
        assertEquals(1, r.written());
        assertEquals(file.length - 400, r.bytes());
        assertTrue(r.reset());
        assertTrue(events.stream().anyMatch(e -> e instanceof DownloadEvent.ImageDone d
                && d.image().equals(spk.getFileName().toString()) && d.bytes() == file.length - 400));
        assertEquals(3, events.stream().filter(DownloadEvent.ImageProgress.class::isInstance).count(),
                "150 000 bytes in 64 KiB chunks");
    }

    @Test
    void skipsImagesTheCallerSaysAreDone() throws Exception {
        Path spk = spk();
        var pair = InMemoryLink.pair();
        var peer = new SierraQdlSessionTest.Peer(new PeerIo(pair.device()));
        DownloadResult r;
        try (FirmwarePackage pkg = FirmwarePackage.open(spk, Limits.defaults());
             var t = new PeerThread(peer::run)) {
            r = new Downloader(FAST.withSkipImages(Set.of(spk.getFileName().toString())), e -> { })
                    .download(pkg, pair.host());
            t.join();
        }
        assertEquals(0, peer.received.size());
        assertNull(peer.opened);
        assertEquals(0, r.written());
        assertTrue(r.images().get(0).skipped());
    }

    @Test
    void aSaharaDeviceIsTheWrongDevice() throws Exception {
        Path spk = spk();
        var pair = InMemoryLink.pair();
        pair.device().write(SaharaCodec.encode(new SaharaPacket.Hello(2, 1, 0x400, 0)));
        try (FirmwarePackage pkg = FirmwarePackage.open(spk, Limits.defaults())) {
            var e = assertThrows(DownloadException.class, () -> new Downloader(FAST, x -> { }).download(pkg, pair.host()));
            assertInstanceOf(WrongDeviceException.class, e.getCause());
            assertEquals("detect", e.stage());
            assertTrue(e.getMessage().contains("Sahara HELLO"), e.getMessage());
        }
    }

    @Test
    void aRejectedChunkNamesTheImageAndKeepsNothingCompleted() throws Exception {
        Path spk = spk();
        var pair = InMemoryLink.pair();
        var peer = new SierraQdlSessionTest.Peer(new PeerIo(pair.device()));
        peer.chunkStatusAt = 1;
        try (FirmwarePackage pkg = FirmwarePackage.open(spk, Limits.defaults());
             var t = new PeerThread(() -> {
                 try {
                     peer.run();
                 } catch (java.io.IOException end) {
                     // the host stops talking after the rejection
                 }
             })) {
            var e = assertThrows(DownloadException.class, () -> new Downloader(FAST, x -> { }).download(pkg, pair.host()));
            assertInstanceOf(QdlDeviceException.class, e.getCause());
            assertEquals(spk.getFileName().toString(), e.image());
            assertEquals(List.of(), e.completed());
            assertTrue(e.getMessage().startsWith("qdl of " + spk.getFileName()), e.getMessage());
        }
    }

    @Test
    void gobiSendsAmssWithoutItsTrailerThenAppsAndUqcn() throws Exception {
        byte[][] files = new byte[3][];
        String[] names = {"amss.mbn", "apps.mbn", "uqcn.mbn"};
        int[] sizes = {100_008, 60_000, 30_000};
        for (int i = 0; i < 3; i++) {
            files[i] = new byte[sizes[i]];
            new Random(20 + i).nextBytes(files[i]);
            Files.write(dir.resolve(names[i]), files[i]);
        }
        var pair = InMemoryLink.pair();
        var peer = new SierraQdlSessionTest.Peer(new PeerIo(pair.device()));
        peer.acceptHello = 5;
        List<Integer> types = new ArrayList<>();
        DownloadResult r;
        try (FirmwarePackage pkg = FirmwarePackage.open(dir, Limits.defaults());
             var t = new PeerThread(peer::run)) {
            assertEquals(Protocol.GOBI_QDL, pkg.protocol());
            r = new Downloader(FAST, e -> {
                if (e instanceof DownloadEvent.ImageDone && peer.opened != null) {
                    types.add(peer.opened.imageType());
                }
            }).download(pkg, pair.host());
            t.join();
        }
        assertEquals(List.of(5), peer.helloVersionsSeen, "Gobi 2000 offers v5 first");
        assertEquals(List.of(0x05, 0x06, 0x0D), types);
        var want = new java.io.ByteArrayOutputStream();
        want.write(files[0], 0, sizes[0] - 8);
        want.write(files[1]);
        want.write(files[2]);
        assertArrayEquals(want.toByteArray(), peer.received.toByteArray());
        assertEquals(3, r.written());
        assertTrue(peer.reset);
    }
}
