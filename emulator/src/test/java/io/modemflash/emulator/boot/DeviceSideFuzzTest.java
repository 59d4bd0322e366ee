package io.modemflash.emulator.boot;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.emulator.qmi.QmiStream;
import io.modemflash.qdl.firehose.DocumentSplitter;
import io.modemflash.qdl.firehose.FirehoseXml;
import io.modemflash.qdl.hdlc.Hdlc;
import io.modemflash.qdl.hdlc.QdlCodec;
import io.modemflash.qdl.link.InMemoryLink;
import io.modemflash.qdl.sahara.SaharaCodec;
import io.modemflash.qdl.sahara.SaharaPacket;
import io.modemflash.qmi.MessageKind;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiService;
import org.junit.jupiter.api.AfterAll;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The emulated modem parses host bytes: whatever a host sends, each device side (QMI, Sahara,
 * Firehose, Sierra QDL) answers with well-formed messages of its protocol (the errors a real
 * device gives) and keeps serving; it never dies with an exception, never hangs. Each input
 * runs against a fresh device; its first byte decides how the rest is cut into host writes.
 * `mvn verify` replays src/test/resources/.../DeviceSideFuzzTestInputs; bench/fuzz.sh fuzzes.
 */
class DeviceSideFuzzTest {
    /** Quiet time after which the device is taken to have answered everything. */
    private static final long QUIET_MS = 25;
    private static Path storageDir;
    private static BlockStorage storage;
    private static ImageStore images;

    @AfterAll
    static void cleanUp() throws IOException {
        if (storage != null) {
            storage.close();
        }
        if (storageDir != null) {
            io.modemflash.images.archive.FileTrees.delete(storageDir);
        }
    }

    private static synchronized void storage() throws IOException {
        if (storageDir == null) {
            storageDir = Files.createTempDirectory("modemflash-fuzz-storage-");
            storage = new BlockStorage(storageDir.resolve("edl"), new BlockStorage.Geometry("ufs", 4096,
                    List.of(64L, 64L)));
            images = new ImageStore(storageDir.resolve("sierra"));
        }
    }

    @FuzzTest
    void qmi(byte[] data) throws Exception {
        QmiEngine engine = new QmiEngine(Profiles.MC7455, FaultPlan.NONE);
        QmiStream stream = new QmiStream(engine);
        for (byte[] piece : pieces(data)) {
            for (byte[] out : stream.feed(piece, 0, piece.length)) {
                QmiMessage m = QmiMessage.decode(out); // the modem writes only whole, valid frames
                assertTrue(m.fromModem());
            }
        }
        // still serving: a fresh CTL Get Version Info gets its response
        stream.reset();
        byte[] probe = QmiMessage.request(QmiService.CTL, 0, 0x7f, 0x0021, List.of()).encode();
        List<byte[]> answer = stream.feed(probe, 0, probe.length);
        assertEquals(1, answer.size(), "one response to Get Version Info after the garbage");
        QmiMessage r = QmiMessage.decode(answer.get(0));
        assertEquals(MessageKind.RESPONSE, r.kind());
        assertEquals(0x0021, r.messageId());
    }

    @FuzzTest
    void sahara(byte[] data) throws Exception {
        byte[] out = serve(data, io -> new SaharaTarget(io, new SaharaTarget.Config(false, 0, 0x1234, 0x000CE0E100010000L,
                new byte[32], 5)).run());
        // the PBL writes only whole Sahara packets (its error reports included), and after
        // EXECUTE_RESP the command's data once the host asked for it with EXECUTE_DATA
        int off = 0;
        long maybeData = 0;
        while (off < out.length) {
            SaharaPacket p;
            int len;
            try {
                len = SaharaCodec.packetLength(out, off, out.length - off);
                assertTrue(len > 0 && len <= out.length - off, "device wrote a cut packet");
                p = SaharaCodec.decode(out, off, len);
            } catch (io.modemflash.qdl.sahara.SaharaPacketException | AssertionError e) {
                // not a packet: only the data of the last EXECUTE_RESP may stand here
                assertTrue(maybeData > 0, "device wrote something that is not a Sahara packet: " + e.getMessage());
                off += (int) Math.min(maybeData, out.length - off);
                maybeData = 0;
                continue;
            }
            assertFalse(p instanceof SaharaPacket.HelloResp, "the device never sends host packets");
            maybeData = p instanceof SaharaPacket.ExecuteResp r ? r.dataLength() : 0;
            off += len;
        }
    }

    @FuzzTest
    void firehose(byte[] data) throws Exception {
        storage();
        byte[] out = serve(data, io -> new FirehoseTarget(io, new FirehoseTarget.Config("ufs", 1 << 20, false,
                List.of("fuzz"), List.of("program", "read", "nop", "patch", "configure", "setbootablestoragedrive",
                "erase", "power", "getstorageinfo", "getsha256digest"), false, "SDX55"), storage, null).run(true));
        // everything but <read> data is XML documents; every one must parse
        DocumentSplitter s = new DocumentSplitter(1 << 20);
        s.feed(out, 0, out.length);
        for (String doc; (doc = s.next()) != null; ) {
            if (!doc.contains("rawmode=\"true\"")) {
                FirehoseXml.parse(doc);
            }
        }
    }

    @FuzzTest
    void sierraFirehose(byte[] data) throws Exception {
        storage();
        serve(data, io -> new FirehoseTarget(io, new FirehoseTarget.Config("nand", 8192, true, List.of(),
                List.of("nop", "configure", "getstorageinfo", "program", "erase", "power"), true, "9x50"), null,
                images).run(false));
    }

    @FuzzTest
    void qdl(byte[] data) throws Exception {
        storage();
        byte[] out = serve(data, io -> new SierraQdlTarget(io, images).run());
        Hdlc.Deframer d = new Hdlc.Deframer(1 << 20);
        for (byte[] frame : d.feed(out, 0, out.length)) {
            QdlCodec.decode(Hdlc.unframe(frame)); // the target writes only valid frames
        }
        assertEquals(0, d.pending(), "device left a frame unterminated");
    }

    /** A device-side target on the device end of an in-memory USB link. */
    @FunctionalInterface
    interface Target {
        void run(DeviceIo io) throws IOException, BootExit;
    }

    /**
     * Runs {@code target} on a fresh link, writes the input as host transfers, collects what the
     * device answers until it goes quiet, then unplugs the host. The target must end with a
     * BootExit (reset, the host closing the port) or still be serving; anything else is a finding.
     */
    private static byte[] serve(byte[] data, Target target) throws Exception {
        InMemoryLink.Pair pair = InMemoryLink.pair(InMemoryLink.Options.USB);
        DeviceIo io = new DeviceIo(pair.device(), new BootFaults(FaultPlan.NONE), () -> false, true, false, () -> { },
                ms -> { }, line -> { }, () -> 0);
        AtomicReference<Throwable> died = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                target.run(io);
            } catch (BootExit e) {
                // a reset or the host leaving: how a session ends
            } catch (Throwable e) {
                died.set(e);
            }
        }, "fuzz-device");
        t.setDaemon(true);
        t.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (byte[] piece : pieces(data)) {
            if (!t.isAlive()) {
                break;
            }
            pair.host().write(piece, 0, piece.length);
            drain(pair.host(), buf, out, 0);
        }
        drain(pair.host(), buf, out, QUIET_MS);
        pair.host().close();
        t.join(5_000);
        if (t.isAlive()) {
            StackTraceElement[] st = t.getStackTrace();
            t.interrupt();
            fail("device side hangs after the host left: " + Arrays.toString(Arrays.copyOf(st, Math.min(8, st.length))));
        }
        assertNull(died.get(), () -> "device side died: " + died.get());
        return out.toByteArray();
    }

    private static void drain(InMemoryLink host, byte[] buf, ByteArrayOutputStream out, long quietMs) throws IOException {
        for (int n; (n = host.read(buf, 0, buf.length, quietMs)) > 0; ) {
            out.write(buf, 0, n);
        }
    }

    /** The input cut into host writes; the first byte seeds the cut points. */
    static List<byte[]> pieces(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        if (data.length == 0) {
            return out;
        }
        int step = 1 + (data[0] & 0xff) * 4;
        for (int i = 1; i < data.length; i += step) {
            out.add(Arrays.copyOfRange(data, i, Math.min(data.length, i + step)));
        }
        return out;
    }
}
