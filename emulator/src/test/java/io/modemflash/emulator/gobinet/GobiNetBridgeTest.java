package io.modemflash.emulator.gobinet;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.Profiles;
import io.modemflash.posix.Errno;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.dms.GetRevision;
import io.modemflash.qmi.gobinet.GobiNetIo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The stream protocol the bench's CUSE program speaks to the emulated GobiNet driver
 * (GobiNetBridge's javadoc), played here as that program would: files multiplexed on one
 * stream, ioctls by value and by buffer, an SDU written and its answer read after a poll.
 */
class GobiNetBridgeTest {
    @TempDir
    Path dir;

    private record Reply(int result, byte[] data) {
    }

    private static Reply call(DataOutputStream out, DataInputStream in, int op, int file, int a, long b, byte[] data)
            throws Exception {
        ByteBuffer req = ByteBuffer.allocate(21 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        req.put((byte) op).putInt(file).putInt(a).putLong(b).putInt(data.length).put(data);
        out.write(req.array());
        out.flush();
        int result = Integer.reverseBytes(in.readInt());
        byte[] reply = new byte[Integer.reverseBytes(in.readInt())];
        in.readFully(reply);
        return new Reply(result, reply);
    }

    @Test
    void filesOnOneStreamReachTheDriver() throws Exception {
        Path sock = dir.resolve("gobinet.sock");
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565);
             ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            GobiNetBridge bridge = GobiNetBridge.connect(new GobiNetDriver(modem.qmi(), 0x1199, 0x9091), sock,
                    Duration.ofSeconds(10), m -> { });
            try (SocketChannel c = server.accept();
                 DataInputStream in = new DataInputStream(Channels.newInputStream(c));
                 DataOutputStream out = new DataOutputStream(Channels.newOutputStream(c))) {
                int f = call(out, in, GobiNetBridge.OPEN, 0, 0, 0, new byte[0]).result();
                int g = call(out, in, GobiNetBridge.OPEN, 0, 0, 0, new byte[0]).result();
                assertNotEquals(f, g);
                Reply vp = call(out, in, GobiNetBridge.IOCTL_BUFFER, f, (int) GobiNetIo.IOCTL_QMI_GET_DEVICE_VIDPID, 0,
                        new byte[4]);
                assertEquals(0x11999091, ByteBuffer.wrap(vp.data()).order(ByteOrder.LITTLE_ENDIAN).getInt());
                assertEquals(-Errno.EINVAL, call(out, in, GobiNetBridge.IOCTL_VALUE, f,
                        (int) GobiNetIo.IOCTL_QMI_GET_SERVICE_FILE, 0, new byte[0]).result(), "no CTL");
                assertEquals(0, call(out, in, GobiNetBridge.IOCTL_VALUE, f,
                        (int) GobiNetIo.IOCTL_QMI_GET_SERVICE_FILE, QmiService.DMS, new byte[0]).result());
                assertEquals(1, modem.allocatedClientIds(QmiService.DMS).size());

                byte[] frame = QmiMessage.request(QmiService.DMS, 0, 9, GetRevision.ID, List.of()).encode();
                byte[] sdu = Arrays.copyOfRange(frame, QmiMessage.QMUX_HEADER_LENGTH, frame.length);
                assertEquals(sdu.length, call(out, in, GobiNetBridge.WRITE, f, 0, 0, sdu).result());
                assertEquals(0, call(out, in, GobiNetBridge.POLL, g, 0, 0, new byte[0]).result(), "not g's answer");
                assertEquals(1, call(out, in, GobiNetBridge.POLL, f, 0, 1000, new byte[0]).result());
                Reply r = call(out, in, GobiNetBridge.READ, f, 4096, 0, new byte[0]);
                QmiMessage rsp = QmiMessage.decodeSdu(QmiService.DMS, 1, true, r.data());
                assertEquals(9, rsp.transactionId());
                assertEquals(Profiles.EM7565.identity().revision(),
                        new String(rsp.tlvs().stream().filter(t -> t.type() == 1).findFirst().orElseThrow().value(),
                                java.nio.charset.StandardCharsets.UTF_8).replace("\0", ""), "(Sierra strings end in NUL)");

                assertEquals(0, call(out, in, GobiNetBridge.CLOSE, f, 0, 0, new byte[0]).result());
                assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS), "closing the file released the id");
                assertEquals(-Errno.EBADF, call(out, in, GobiNetBridge.POLL, f, 0, 0, new byte[0]).result());
                assertEquals(0, call(out, in, GobiNetBridge.IOCTL_VALUE, g,
                        (int) GobiNetIo.IOCTL_QMI_GET_SERVICE_FILE, QmiService.DMS, new byte[0]).result());
            }
            // the stream ended: its open files are closed, their client ids released
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!modem.allocatedClientIds(QmiService.DMS).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(Set.of(), modem.allocatedClientIds(QmiService.DMS));
            bridge.close();
        }
    }
}
