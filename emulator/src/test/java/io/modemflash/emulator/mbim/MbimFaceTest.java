package io.modemflash.emulator.mbim;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.posix.PosixFd;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.client.DmsClient;
import io.modemflash.qmi.client.QmiDevice;
import io.modemflash.qmi.client.QmiDeviceOptions;
import io.modemflash.qmi.client.QmiPorts;
import io.modemflash.qmi.mbim.MbimFragments;
import io.modemflash.qmi.mbim.MbimMessage;
import io.modemflash.qmi.mbim.MbimQmiTransport;
import io.modemflash.qmi.mbim.MbimStatus;
import io.modemflash.qmi.mbim.MbimUuid;
import io.modemflash.qmi.transport.QmiPortKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The emulator's MBIM face (a modem in its MBIM composition, published on a pty) with our
 * own MBIM host stack: QMI through the QMI service, fragmentation both ways, strictness of
 * the function, the sysfs tree naming cdc_mbim, and an unknown port found MBIM by probing.
 */
class MbimFaceTest {
    static final Profile EM7565_MBIM = Profiles.EM7565.inMbimComposition();

    @TempDir
    Path dir;

    private static QmiDeviceOptions options() {
        return QmiDeviceOptions.defaults().withSyncOnOpen(false).withShutdownHook(false);
    }

    @Test
    void sysfsSaysCdcMbimAndQmiTravelsInsideMbim() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(EM7565_MBIM)) {
            PtyFace face = modem.publishPty(dir);
            Path iface = face.sysfsRoot().resolve("class/usbmisc/cdc-wdm0/device");
            assertEquals("cdc_mbim", Files.readSymbolicLink(iface.resolve("driver")).getFileName().toString());
            assertEquals("02", Files.readString(iface.resolve("bInterfaceClass")).strip());
            assertEquals("0e", Files.readString(iface.resolve("bInterfaceSubClass")).strip());
            assertEquals(QmiPortKind.MBIM, QmiPortKind.detect(face.qmiDevice()));
            try (QmiDevice q = QmiDevice.open(face.qmiDevice(), false, options()); DmsClient dms = q.dms()) {
                assertEquals(Profiles.EM7565.identity().revision(), dms.getRevision());
                assertEquals(Set.of(1), modem.allocatedClientIds(QmiService.DMS));
            }
            assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS), "released through MBIM too");
        }
    }

    @Test
    void aPortSysfsSaysNothingAboutIsFoundMbimByItsAnswerToOpen() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(EM7565_MBIM)) {
            PtyFace face = modem.publishPty(dir);
            Path bare = dir.resolve("bare-port");
            Files.createSymbolicLink(bare, face.ptySlave());
            assertEquals(QmiPortKind.UNKNOWN, QmiPortKind.detect(bare));
            try (QmiDevice q = QmiDevice.open(QmiPorts.open(bare, false), options()); DmsClient dms = q.dms()) {
                assertEquals("EM7565", dms.getModel());
            }
        }
        // and a QMUX port of unknown kind still works as QMUX after the ignored probe
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565)) {
            PtyFace face = modem.publishPty(dir.resolve("qmux"));
            Path bare = dir.resolve("bare-qmux");
            Files.createSymbolicLink(bare, face.ptySlave());
            try (QmiDevice q = QmiDevice.open(QmiPorts.open(bare, false), options()); DmsClient dms = q.dms()) {
                assertEquals("EM7565", dms.getModel());
            }
        }
    }

    @Test
    void commandsAndAnswersAreFragmentedToEachSidesLimit() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(EM7565_MBIM)) {
            PtyFace face = modem.publishPty(dir);
            // we send in 64-byte pieces and say so in OPEN, so the function fragments its answers too
            try (QmiDevice q = QmiDevice.open(MbimQmiTransport.open(face.qmiDevice(), 64), options());
                 DmsClient dms = q.dms()) {
                assertEquals(Profiles.EM7565.identity().revision(), dms.getRevision(), "a 100-byte answer in 64s");
                assertEquals(2, dms.listStoredImages().lists().size());
            }
        }
    }

    @Test
    void theFunctionIsStrict() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(EM7565_MBIM)) {
            MbimFunction f = new MbimFunction(modem.qmi(), m -> { });
            byte[] caps = new MbimMessage.Command(1, MbimUuid.BASIC_CONNECT, 1, MbimMessage.QUERY, new byte[0]).encode();
            assertEquals(new MbimMessage.Error(true, 1, MbimStatus.ERROR_NOT_OPENED), decode(f.feed(caps, 0, caps.length)));

            byte[] open = new MbimMessage.Open(2, 64).encode();
            assertEquals(new MbimMessage.OpenDone(2, MbimStatus.SUCCESS), decode(f.feed(open, 0, open.length)));

            byte[] unknown = new MbimMessage.Command(3, MbimUuid.of("x", "00112233-4455-6677-8899-aabbccddeeff"), 1,
                    MbimMessage.QUERY, new byte[0]).encode();
            assertEquals(MbimStatus.NO_DEVICE_SUPPORT, ((MbimMessage.CommandDone) decode(f.feed(unknown, 0,
                    unknown.length))).status());

            // device caps (over 64 bytes) comes back in fragments of at most 64 bytes
            byte[] q = new MbimMessage.Command(4, MbimUuid.BASIC_CONNECT, 1, MbimMessage.QUERY, new byte[0]).encode();
            List<byte[]> parts = f.feed(q, 0, q.length);
            assertTrue(parts.size() > 1);
            parts.forEach(p -> assertTrue(p.length <= 64));
            MbimMessage.CommandDone done = (MbimMessage.CommandDone) decode(parts);
            assertEquals(MbimStatus.SUCCESS, done.status());

            // a fragment out of sequence
            byte[] big = new MbimMessage.Command(5, MbimUuid.QMI, 1, MbimMessage.SET, new byte[100]).encode();
            List<byte[]> frags = MbimFragments.split(big, 40);
            f.feed(frags.get(0), 0, frags.get(0).length);
            assertEquals(new MbimMessage.Error(true, 5, MbimStatus.ERROR_FRAGMENT_OUT_OF_SEQUENCE),
                    decode(f.feed(frags.get(2), 0, frags.get(2).length)));

            byte[] close = new MbimMessage.Close(6).encode();
            assertEquals(new MbimMessage.CloseDone(6, MbimStatus.SUCCESS), decode(f.feed(close, 0, close.length)));
            assertFalse(f.isOpen());
        }
    }

    @Test
    void closeIsSentAndAnsweredWhenTheHostCloses() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(EM7565_MBIM)) {
            PtyFace face = modem.publishPty(dir);
            try (QmiDevice q = QmiDevice.open(face.qmiDevice(), false, options())) {
                q.probeVersionInfo();
            }
            // the function was closed: a command without a new OPEN is refused
            try (PosixFd fd = PosixFd.open(face.qmiDevice())) {
                io.modemflash.posix.Termios.makeRaw(fd);
                fd.write(new MbimMessage.Command(9, MbimUuid.BASIC_CONNECT, 1, MbimMessage.QUERY, new byte[0]).encode());
                byte[] buf = new byte[64];
                int n = fd.read(buf, 0, buf.length, 5000);
                assertEquals(new MbimMessage.Error(true, 9, MbimStatus.ERROR_NOT_OPENED),
                        MbimMessage.decode(java.util.Arrays.copyOf(buf, n)));
            }
        }
    }

    private static MbimMessage decode(List<byte[]> wire) throws Exception {
        MbimFragments.Assembler a = new MbimFragments.Assembler();
        List<MbimMessage> out = new ArrayList<>();
        for (byte[] w : wire) {
            byte[] whole = a.add(w);
            if (whole != null) {
                out.add(MbimMessage.decode(whole));
            }
        }
        assertEquals(1, out.size(), out.toString());
        return out.get(0);
    }
}
