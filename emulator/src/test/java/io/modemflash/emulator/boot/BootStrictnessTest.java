package io.modemflash.emulator.boot;

import io.modemflash.emulator.BootHost;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.firehose.DocumentSplitter;
import io.modemflash.qdl.firehose.FirehoseElement;
import io.modemflash.qdl.firehose.FirehoseNakException;
import io.modemflash.qdl.firehose.FirehoseSession;
import io.modemflash.qdl.firehose.FirehoseXml;
import io.modemflash.qdl.hdlc.Hdlc;
import io.modemflash.qdl.hdlc.QdlCodec;
import io.modemflash.qdl.hdlc.QdlError;
import io.modemflash.qdl.hdlc.QdlMessage;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.sahara.SaharaImage;
import io.modemflash.qdl.sahara.SaharaSession;
import io.modemflash.qdl.sahara.SaharaStatus;
import io.modemflash.qdl.sahara.SaharaStatusException;
import io.modemflash.vectors.samples.SamplePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.modemflash.qdl.firehose.FirehoseXml.attrs;
import static org.junit.jupiter.api.Assertions.*;

/** The device side refuses what real firmware refuses, with the real error reports. */
class BootStrictnessTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    @TempDir
    static Path samples;
    static Path edl;
    static Path spk;

    @BeforeAll
    static void writeSamples() throws Exception {
        edl = SamplePackages.edl(samples);
        spk = SamplePackages.mc7455(samples);
        EdlFlashTest.edl = edl;
    }

    private static Link edlLink(EmulatedModem modem) throws Exception {
        BootHost.requestEdl(modem);
        return modem.awaitDownloadMode(WAIT);
    }

    /** Programmer loaded and configured; the session for further commands. */
    private static FirehoseSession firehose(Link link) throws Exception {
        SaharaSession s = new SaharaSession(link);
        s.awaitHello();
        s.uploadProgrammer(SaharaImage.open(edl.resolve(SamplePackages.EDL_PROGRAMMER)), Progress.NONE);
        FirehoseSession fh = new FirehoseSession(link, FirehoseSession.Options.DEFAULTS, s.takeBuffered());
        fh.readBanner();
        return fh;
    }

    /** Responses (and their preceding logs) until n responses arrived. */
    private static List<FirehoseElement> responses(Link link, int n) throws Exception {
        DocumentSplitter sp = new DocumentSplitter(1 << 16);
        List<FirehoseElement> out = new ArrayList<>();
        byte[] b = new byte[65536];
        long end = System.nanoTime() + 5_000_000_000L;
        while (out.stream().filter(FirehoseElement::isResponse).count() < n && System.nanoTime() < end) {
            for (String d; (d = sp.next()) != null; ) {
                out.addAll(FirehoseXml.parse(d));
            }
            int r = link.read(b, 0, b.length, 200);
            sp.feed(b, 0, r);
        }
        return out;
    }

    @Test
    void rawDataBeyondTheAnnouncedSizeIsRefused() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL)) {
            Link link = edlLink(modem);
            FirehoseSession fh = firehose(link);
            fh.configure("ufs", false);
            link.write(FirehoseXml.command("program", attrs("SECTOR_SIZE_IN_BYTES", 4096, "num_partition_sectors", 1,
                    "physical_partition_number", 0, "start_sector", 10, "filename", "x.bin")));
            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) 0x5A);
            link.write(data);
            link.write(data); // one sector too many
            List<FirehoseElement> got = responses(link, 3);
            List<FirehoseElement> rs = got.stream().filter(FirehoseElement::isResponse).toList();
            assertEquals(3, rs.size(), got.toString());
            assertTrue(rs.get(0).isAck() && rs.get(0).rawMode());
            assertTrue(rs.get(1).isAck() && !rs.get(1).rawMode());
            assertFalse(rs.get(2).isAck(), "the extra sector must be refused");
            assertTrue(got.stream().anyMatch(e -> e.isLog() && e.attr("value").contains("not XML")), got.toString());
            byte[] lun0 = Files.readAllBytes(modem.boot().blocks().lunFile(0));
            assertEquals(0x5A, lun0[10 * 4096] & 0xff);
            assertEquals(0, lun0[11 * 4096]);
        }
    }

    @Test
    void documentsMustBeSmallAndUseEmptyElements() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL)) {
            Link link = edlLink(modem);
            firehose(link);
            link.write((FirehoseXml.PROLOG + "<data><nop></nop></data>").getBytes());
            link.write((FirehoseXml.PROLOG + "<data><nop value=\"" + "x".repeat(5000) + "\" /></data>").getBytes());
            link.write(FirehoseXml.command("nop", attrs()));
            List<FirehoseElement> rs = responses(link, 3).stream().filter(FirehoseElement::isResponse).toList();
            assertEquals(List.of(false, false, true), rs.stream().map(FirehoseElement::isAck).toList());
        }
    }

    @Test
    void storageCommandsNeedConfigureAndStayInsideTheLun() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL)) {
            Link link = edlLink(modem);
            FirehoseSession fh = firehose(link);
            FirehoseNakException early = assertThrows(FirehoseNakException.class, () -> fh.erase(4096, 0, "0", 1L));
            assertTrue(early.reason().contains("configure"), early.reason());
            assertThrows(FirehoseNakException.class, () -> fh.configure("emmc", false));
            fh.configure("ufs", false);
            FirehoseNakException outside = assertThrows(FirehoseNakException.class,
                    () -> fh.erase(4096, 0, "NUM_DISK_SECTORS-1.", 2L));
            assertTrue(outside.reason().contains("outside"), outside.reason());
            assertThrows(FirehoseNakException.class, () -> fh.erase(512, 0, "0", 1L));
            assertThrows(FirehoseNakException.class, () -> fh.erase(4096, 7, "0", 1L));
            // a read of what was never written comes back as zeros; the digest matches them
            FirehoseSession.Region r = new FirehoseSession.Region(4096, 2, 1, "NUM_DISK_SECTORS-2.");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            fh.read(r, out, Progress.NONE);
            assertArrayEquals(new byte[8192], out.toByteArray());
            assertEquals(sha256(new byte[8192]), fh.sha256(r));
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void emmcStorageHas512ByteSectorsAndEvaluatesPatchesOnItsOwnSize(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, storage, DownloadMode.EMMC)) {
            Link link = edlLink(modem);
            FirehoseSession fh = firehose(link);
            assertThrows(FirehoseNakException.class, () -> fh.configure("ufs", false));
            fh.configure("emmc", false);
            byte[] data = new byte[1000];
            Arrays.fill(data, (byte) 7);
            fh.program(new FirehoseSession.Region(512, 2, 0, "NUM_DISK_SECTORS-2."), "x.bin", java.util.Map.of(),
                    new java.io.ByteArrayInputStream(data), data.length, Progress.NONE);
            fh.patch(new FirehoseSession.Patch(512, "0", 0, "8", "NUM_DISK_SECTORS-1.", "NUM_DISK_SECTORS-1.", "test"));
            fh.power("reset", 0);
            assertTrue(modem.awaitApplicationMode(WAIT));
            byte[] lun0 = Files.readAllBytes(storage.resolve("lun0.img"));
            assertEquals(32768 * 512, lun0.length);
            byte[] expected = new byte[1024];
            System.arraycopy(data, 0, expected, 0, data.length);
            java.nio.ByteBuffer.wrap(expected, 512, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(32767);
            assertArrayEquals(expected, Arrays.copyOfRange(lun0, lun0.length - 1024, lun0.length));
            assertFalse(Files.exists(storage.resolve("lun1.img")));
        }
    }

    @Test
    void notAnElfIsRefusedWithInvalidElfHeader() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL)) {
            Link link = edlLink(modem);
            SaharaSession s = new SaharaSession(link);
            s.awaitHello();
            SaharaStatusException e = assertThrows(SaharaStatusException.class,
                    () -> s.uploadProgrammer(SaharaImage.of("junk.bin", new byte[0x3000]), Progress.NONE));
            assertEquals(SaharaStatus.INVALID_ELF_HDR.code, e.status());
        }
    }

    @Test
    void commandModeAnswersTheChipIdentityThenImageTransferStillWorks(@TempDir Path storage) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, storage)) {
            Link link = edlLink(modem);
            SaharaSession s = new SaharaSession(link);
            s.awaitHello();
            s.enterCommandMode();
            SaharaSession.ChipInfo info = s.readChipInfo();
            assertEquals(0x5A1EE025L, info.serial());
            assertEquals(0x000CE0E1L, info.hwId().msmId());
            assertEquals(32, info.pkHash().length);
            assertEquals(5L, info.sblVersion());
            assertEquals(info.hwId(), io.modemflash.qdl.sahara.SaharaCommands.chipIdV3(
                    s.execute(io.modemflash.qdl.sahara.SaharaCommands.CHIP_ID_V3)));
            assertThrows(SaharaStatusException.class, () -> s.execute(0x77));
            s.switchMode(0); // back to image transfer: a fresh HELLO
            SaharaSession again = new SaharaSession(link, SaharaSession.Options.SIERRA_9X50);
            again.awaitHello();
            EdlFlashTest.flash(link, again);
            assertTrue(modem.awaitApplicationMode(WAIT));
        }
    }

    @Test
    void sierraSwitchFailsWhenTheHostWroteBeforeTheHello() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565)) {
            BootHost.requestSierra(modem, SamplePackages.EM7565_FIRMWARE, SamplePackages.EM7565_CONFIG,
                    SamplePackages.EM7565_CARRIER);
            Link link = modem.awaitDownloadMode(WAIT);
            link.write(new byte[] {0}); // what a generic EDL tool does to provoke a HELLO
            SaharaSession s = new SaharaSession(link, SaharaSession.Options.SIERRA_9X50);
            s.awaitHello();
            SaharaStatusException e = assertThrows(SaharaStatusException.class, s::sierraSwitchToFirehose);
            assertEquals(SaharaStatus.EXEC_CMD_UNSUPPORTED.code, e.status());
        }
    }

    // ------------------------------------------------------------------ Sierra QDL

    private static Link qdlLink(EmulatedModem modem) throws Exception {
        BootHost.requestSierra(modem, SamplePackages.MC7455_FIRMWARE, SamplePackages.MC7455_CONFIG,
                SamplePackages.MC7455_CARRIER);
        return modem.awaitDownloadMode(WAIT);
    }

    private static QdlMessage answer(Link link) throws Exception {
        Hdlc.Deframer d = new Hdlc.Deframer(1 << 16);
        byte[] b = new byte[4096];
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            int n = link.read(b, 0, b.length, 200);
            List<byte[]> frames = d.feed(b, 0, n);
            if (!frames.isEmpty()) {
                return QdlCodec.decode(Hdlc.unframe(frames.get(0)));
            }
        }
        return fail("no QDL answer");
    }

    private static void send(Link link, QdlMessage m) throws Exception {
        link.write(QdlCodec.toWire(m));
    }

    @Test
    void qdlCommandsOutOfSequenceAreRefused() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            Link link = qdlLink(modem);
            byte[] header = Arrays.copyOf(Files.readAllBytes(spk), 400);
            long size = Files.size(spk);
            send(link, new QdlMessage.OpenUnframed(0x80, size, 1, size - 400, header)); // before hello
            assertEquals(new QdlMessage.Error(QdlError.OUT_OF_SEQUENCE.code, 0), answer(link));
            send(link, QdlMessage.Hello.forVersion(6));
            assertInstanceOf(QdlMessage.HelloRsp.class, answer(link));
            send(link, new QdlMessage.CloseUnframed()); // nothing open
            assertEquals(new QdlMessage.Error(QdlError.OUT_OF_SEQUENCE.code, 0), answer(link));
            send(link, new QdlMessage.OpenUnframed(0x80, size + 1, 1, size - 400, header)); // length lies
            assertEquals(QdlError.BAD_LENGTH.code, ((QdlMessage.OpenRsp) answer(link)).status());
            send(link, new QdlMessage.OpenUnframed(0x80, size, 1, size - 400, header));
            assertEquals(0, ((QdlMessage.OpenRsp) answer(link)).status());
            byte[] chunk = new byte[QdlCodec.WRITE_HEADER_LENGTH + 1000];
            QdlCodec.writeHeader(chunk, 0, 1, 1000); // sequence must start at 0
            link.write(chunk);
            assertEquals(new QdlMessage.Error(QdlError.OUT_OF_SEQUENCE.code, 0), answer(link));
            send(link, new QdlMessage.CloseUnframed()); // image incomplete
            assertEquals(QdlError.CLOSE_FAILED.code, ((QdlMessage.CloseRsp) answer(link)).status());
            assertTrue(modem.boot().images().images().isEmpty());
        }
    }

    @Test
    void qdlWriteHeaderWithABadCrcIsRefused() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            Link link = qdlLink(modem);
            byte[] header = Arrays.copyOf(Files.readAllBytes(spk), 400);
            long size = Files.size(spk);
            send(link, QdlMessage.Hello.forVersion(6));
            answer(link);
            send(link, new QdlMessage.OpenUnframed(0x80, size, 1, size - 400, header));
            answer(link);
            byte[] chunk = new byte[QdlCodec.WRITE_HEADER_LENGTH + 1000];
            QdlCodec.writeHeader(chunk, 0, 0, 1000);
            chunk[11] ^= 0x01;
            link.write(chunk);
            assertEquals(new QdlMessage.Error(QdlError.BAD_CRC.code, 0), answer(link));
        }
    }
}
