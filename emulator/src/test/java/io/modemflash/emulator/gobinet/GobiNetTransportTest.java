package io.modemflash.emulator.gobinet;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.Profiles;
import io.modemflash.posix.Errno;
import io.modemflash.posix.PosixException;
import io.modemflash.qmi.NotQmiPortException;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.client.DmsClient;
import io.modemflash.qmi.client.QmiDevice;
import io.modemflash.qmi.client.QmiDeviceOptions;
import io.modemflash.qmi.ctl.GetVersionInfo;
import io.modemflash.qmi.dms.GetRevision;
import io.modemflash.qmi.gobinet.GobiNetIo;
import io.modemflash.qmi.gobinet.GobiNetTransport;
import io.modemflash.qmi.info.ModemInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The host's GobiNet transport on the emulated driver ({@link GobiNetDriver}: the vendor
 * driver's file semantics over the emulated modem), below the ioctl layer: a QmiDevice runs
 * unchanged on it, client ids come from the driver's ioctl and go with the fds.
 */
class GobiNetTransportTest {
    static final Path NODE = Path.of("/dev/qcqmi0");

    private static QmiDeviceOptions options() {
        return QmiDeviceOptions.defaults().withSyncOnOpen(false).withShutdownHook(false);
    }

    @Test
    void qmiRunsOnTheDriversFilesAndReleasesWithThem() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            GobiNetDriver driver = new GobiNetDriver(modem.qmi(), 0x1199, 0x9071);
            GobiNetTransport t = GobiNetTransport.open(driver, NODE);
            assertEquals("1199:9071", t.vidPid());
            assertEquals(0, driver.openHandles(), "the probe's fd is closed");
            try (QmiDevice q = QmiDevice.open(t, options())) {
                List<GetVersionInfo.ServiceVersion> services = q.probeVersionInfo();
                assertEquals(Profiles.MC7455.services().size(), services.size(), "from the Sierra ioctl");
                try (DmsClient dms = q.dms()) {
                    ModemInfo info = ModemInfo.read(q, dms);
                    assertEquals(Profiles.MC7455.identity().revision(), info.revision().orNull());
                    assertEquals(Profiles.MC7455.identity().imei(), info.ids().orNull().imei());
                    assertEquals(1, modem.allocatedClientIds(QmiService.DMS).size(), "allocated by the driver");
                    assertEquals(1, driver.openHandles());
                }
                assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS), "Release closed the fd");
                assertEquals(0, driver.openHandles());
                try (DmsClient a = q.dms(); DmsClient b = q.dms()) {
                    assertNotEquals(a.client().clientId(), b.client().clientId());
                    assertEquals(2, driver.openHandles(), "one fd per client");
                    assertEquals(a.getRevision(), b.getRevision());
                }
                q.sync(); // the driver owns CTL: Sync has nothing of ours to drop and is answered here
            }
            assertEquals(0, driver.openHandles());
            assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS));
        }
    }

    @Test
    void clientsLeftOpenAreReleasedWhenTheTransportCloses() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565)) {
            GobiNetDriver driver = new GobiNetDriver(modem.qmi(), 0x1199, 0x9091);
            GobiNetTransport t = GobiNetTransport.open(driver, NODE);
            QmiDevice q = QmiDevice.open(t, options());
            DmsClient dms = q.dms();
            dms.keep(); // like a WDS client kept for a connection: not released by QmiDevice
            assertEquals(1, t.openClients());
            q.close();
            assertEquals(0, driver.openHandles(), "closing the transport closes every fd");
            assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS));
        }
    }

    @Test
    void theDriverIsAsStrictAsTheRealOne() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            GobiNetDriver d = new GobiNetDriver(modem.qmi(), 0x1199, 0x9071);
            int h = d.open(NODE);
            assertEquals(Errno.EINVAL, assertThrows(PosixException.class,
                    () -> d.ioctl(h, GobiNetIo.IOCTL_QMI_GET_SERVICE_FILE, QmiService.CTL)).errno(), "no CTL");
            assertEquals(Errno.EBADR, assertThrows(PosixException.class, () -> d.write(h, new byte[7])).errno(),
                    "no service bound yet");
            d.ioctl(h, GobiNetIo.IOCTL_QMI_GET_SERVICE_FILE, QmiService.DMS);
            assertEquals(Errno.EBADR, assertThrows(PosixException.class,
                    () -> d.ioctl(h, GobiNetIo.IOCTL_QMI_GET_SERVICE_FILE, QmiService.DMS)).errno(), "bound once");
            assertThrows(IllegalStateException.class, () -> d.read(h, new byte[4096]), "read before poll blocks");

            byte[] request = QmiMessage.request(QmiService.DMS, 0, 7, GetRevision.ID, List.of()).encode();
            byte[] sdu = Arrays.copyOfRange(request, QmiMessage.QMUX_HEADER_LENGTH, request.length);
            d.write(h, sdu);
            assertTrue(d.pollIn(h, 1000));
            assertEquals(Errno.EOVERFLOW, assertThrows(PosixException.class, () -> d.read(h, new byte[16])).errno());
            assertFalse(d.pollIn(h, 50), "the message that did not fit is lost");
            d.write(h, sdu);
            assertTrue(d.pollIn(h, 1000));
            byte[] buf = new byte[4096];
            int n = d.read(h, buf);
            QmiMessage rsp = QmiMessage.decodeSdu(QmiService.DMS, 1, true, Arrays.copyOf(buf, n));
            assertEquals(7, rsp.transactionId(), "an SDU without the QMUX header, the tid is the caller's to match");
            d.close(h);
            assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS), "close released the id");
        }
    }

    @Test
    void aNodeThatIsNotGobiNetIsSaidToBeSo() {
        GobiNetIo notGobi = new GobiNetIo() {
            @Override
            public int open(Path path) {
                return 1;
            }

            @Override
            public int ioctl(int handle, long request, long value) throws PosixException {
                throw new PosixException("ioctl", "tty", Errno.ENOTTY);
            }

            @Override
            public int ioctl(int handle, long request, byte[] buffer) throws PosixException {
                throw new PosixException("ioctl", "tty", Errno.ENOTTY);
            }

            @Override
            public boolean pollIn(int handle, long timeoutMillis) {
                return false;
            }

            @Override
            public int read(int handle, byte[] buf) {
                return 0;
            }

            @Override
            public void write(int handle, byte[] sdu) {
            }

            @Override
            public void close(int handle) {
            }
        };
        NotQmiPortException e = assertThrows(NotQmiPortException.class, () -> GobiNetTransport.open(notGobi, NODE));
        assertTrue(e.getMessage().contains("is not a GobiNet QMI device"), e.getMessage());
        assertTrue(e.getMessage().contains("ENOTTY"), e.getMessage());
    }
}
