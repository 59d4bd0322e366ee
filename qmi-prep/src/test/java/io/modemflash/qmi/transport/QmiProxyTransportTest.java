package io.modemflash.qmi.transport;

import io.modemflash.posix.PosixFd;
import io.modemflash.posix.UnixSockets;
import io.modemflash.qmi.DeviceNotFoundException;
import io.modemflash.qmi.Hex;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiProtocolError;
import io.modemflash.qmi.QmiResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** A fake qmi-proxy on a private abstract socket name checks what the transport sends first. */
class QmiProxyTransportTest {
    static final byte[] PROXY_OPEN = Hex.parse(
            "01 1B 00 00 00 00 00 01 00 FF 10 00 01 0D 00 2F 64 65 76 2F 63 64 63 2D 77 64 6D 30");

    private static String uniqueName() {
        return "modemflash-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    /** Accepts one client, records its first frame, answers with the given result, then echoes one frame. */
    private static Thread fakeProxy(PosixFd listener, AtomicReference<byte[]> first, QmiResult result) {
        Thread t = new Thread(() -> {
            try (PosixFd peer = UnixSockets.accept(listener, 10_000)) {
                FdTransport ft = new FdTransport(peer, "fake proxy");
                byte[] f = ft.receive(10_000);
                first.set(f);
                ft.send(QmiMessage.decode(f).respond(result, List.of()).encode());
                byte[] next = ft.receive(10_000);
                if (next != null) {
                    ft.send(next);
                }
            } catch (TransportClosedException e) {
                // the client hung up after a refused open: expected
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }

    @Test
    void sendsInternalProxyOpenFirstThenCarriesFrames() throws Exception {
        String name = uniqueName();
        AtomicReference<byte[]> first = new AtomicReference<>();
        try (PosixFd listener = UnixSockets.listenAbstract(name)) {
            Thread proxy = fakeProxy(listener, first, QmiResult.SUCCESS);
            try (QmiProxyTransport t = QmiProxyTransport.open("/dev/cdc-wdm0", name, false, false)) {
                assertArrayEquals(PROXY_OPEN, first.get());
                byte[] frame = Hex.parse("01 0C 00 00 02 01 00 02 00 FF FF 00 00");
                t.send(frame);
                assertArrayEquals(frame, t.receive(10_000));
                assertEquals("qmi-proxy for /dev/cdc-wdm0", t.name());
            }
            proxy.join(10_000);
        }
    }

    @Test
    void proxyRefusingTheDeviceIsDeviceNotFound() throws Exception {
        String name = uniqueName();
        try (PosixFd listener = UnixSockets.listenAbstract(name)) {
            Thread proxy = fakeProxy(listener, new AtomicReference<>(), QmiResult.failure(QmiProtocolError.INTERNAL));
            DeviceNotFoundException e = assertThrows(DeviceNotFoundException.class,
                    () -> QmiProxyTransport.open("/dev/cdc-wdm7", name, false, false));
            assertTrue(e.getMessage().startsWith("qmi-proxy could not open /dev/cdc-wdm7"), e.getMessage());
            proxy.join(10_000);
        }
    }

    @Test
    void nobodyListeningWithoutSpawnIsDeviceNotFound() {
        DeviceNotFoundException e = assertThrows(DeviceNotFoundException.class,
                () -> QmiProxyTransport.open("/dev/cdc-wdm0", uniqueName(), false, false));
        assertTrue(e.getMessage().startsWith("qmi-proxy is not running"), e.getMessage());
    }

    @Test
    void missingDeviceIsReportedBeforeAskingTheProxy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        DeviceNotFoundException e = assertThrows(DeviceNotFoundException.class,
                () -> QmiProxyTransport.open(dir.resolve("cdc-wdm3").toString(), uniqueName(), false));
        assertTrue(e.getMessage().startsWith("no such device: "), e.getMessage());
    }
}
