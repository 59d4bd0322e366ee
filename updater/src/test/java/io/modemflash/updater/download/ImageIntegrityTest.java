package io.modemflash.updater.download;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.Profiles;
import io.modemflash.images.BadPackageException;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.PackageImage;
import io.modemflash.qdl.download.DownloadEvent;
import io.modemflash.qdl.download.DownloadException;
import io.modemflash.qdl.download.Downloader;
import io.modemflash.qdl.link.Link;
import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failures;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14: what inspection accepted is enforced again while images stream to the device. An image
 * whose bytes on disk are not what inspection accepted (for a zip member: what the zip's CRC-32
 * vouched for) fails the download with exit 5 naming it, before its last byte is sent, so the
 * device never acknowledges it; for every download protocol.
 */
class ImageIntegrityTest {
    @TempDir
    static Path samples;

    @BeforeAll
    static void writeSamples() throws Exception {
        SamplePackages.writeAll(samples);
    }

    /** Opens the package, flips one byte of {@code image} on disk, downloads; returns the failure. */
    private static Failure corruptedDownload(EmulatedModem modem, Path pkgPath, String image, long at) throws Exception {
        modem.boot().enterDownloadMode();
        Link link = modem.awaitDownloadMode(DownloadEndToEndTest.WAIT);
        assertNotNull(link);
        List<DownloadEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (FirmwarePackage pkg = FirmwarePackage.open(pkgPath, Limits.defaults())) {
            PackageImage img = pkg.image(image).orElseThrow();
            try (FileChannel ch = FileChannel.open(img.path(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
                ch.read(b, at);
                b.put(0, (byte) (b.get(0) ^ 0x20)).rewind();
                ch.write(b, at);
            }
            DownloadException e = assertThrows(DownloadException.class,
                    () -> new Downloader(DownloadEndToEndTest.FAST, events::add).download(pkg, link));
            return new Failure(e, img.name(), List.copyOf(events));
        } finally {
            link.close();
        }
    }

    record Failure(DownloadException e, String image, List<DownloadEvent> events) {
        void assertRefusedBeforeTheEnd() {
            assertEquals(ExitCode.BAD_PACKAGE, Failures.classify(e), e.toString());
            BadPackageException bad = null;
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof BadPackageException b) {
                    bad = b;
                }
            }
            assertNotNull(bad, "a bad-package cause");
            assertEquals(image, bad.where());
            assertTrue(e.getMessage().contains("CRC-32C of the bytes read for the device is"), e.getMessage());
            assertTrue(e.getMessage().contains("its last bytes were not sent"), e.getMessage());
            assertFalse(e.completed().contains(image), "the image counts as written: " + e.completed());
            assertTrue(events.stream().noneMatch(ev -> ev instanceof DownloadEvent.ImageDone d && d.image().equals(image)),
                    "the device acknowledged the whole image");
        }
    }

    @Test
    void edlZipMemberChangedAfterInspection(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = DownloadEndToEndTest.start(Profiles.EDL, storage)) {
            Failure f = corruptedDownload(modem, samples.resolve(SamplePackages.EDL_ZIP), "modem.img", 200_000);
            f.assertRefusedBeforeTheEnd();
            assertTrue(f.e().getMessage().contains("where the zip's CRC-32 matched"), f.e().getMessage());
        }
    }

    @Test
    void edlSparseImageChanged(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = DownloadEndToEndTest.start(Profiles.EDL, storage)) {
            // a byte of the last RAW chunk's data: the sparse image fails before that chunk is sent
            Path pkg = copy(SamplePackages.EDL_DIR);
            long size = Files.size(pkg.resolve("system.img"));
            Failure f = corruptedDownload(modem, pkg, "system.img", size - 5000);
            f.assertRefusedBeforeTheEnd();
            assertTrue(f.e().getMessage().contains("inspection read"), f.e().getMessage());
        }
    }

    @Test
    void sierraQdlImageChanged() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            Path pkg = copy(SamplePackages.MC7455_DIR);
            corruptedDownload(modem, pkg, SamplePackages.MC7455_FILE, 1000).assertRefusedBeforeTheEnd();
            assertTrue(modem.boot().images().images().isEmpty(), "the device stored nothing");
        }
    }

    @Test
    void sierraFirehoseImageChanged() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565)) {
            Path pkg = copy(SamplePackages.EM7565_DIR);
            corruptedDownload(modem, pkg, SamplePackages.EM7565_CWE, 5000).assertRefusedBeforeTheEnd();
            assertTrue(modem.boot().images().images().isEmpty(), "the device stored nothing");
        }
    }

    /** Directory packages are the user's own files: work on a copy. */
    private static Path copy(String sample) throws Exception {
        Path to = Files.createTempDirectory(samples, sample + "-copy-");
        try (var s = Files.walk(samples.resolve(sample))) {
            for (Path p : s.toList()) {
                Path t = to.resolve(samples.resolve(sample).relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }
}
