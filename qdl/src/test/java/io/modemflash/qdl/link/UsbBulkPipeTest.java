package io.modemflash.qdl.link;

import org.junit.jupiter.api.Test;
import org.usb4java.LibUsb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What reaches libusb, without a kernel: the fake below behaves as usb4java's
 * {@code LibUsb.bulkTransfer} does (it moves the buffer's whole capacity from its start and
 * ignores position and limit), so a pipe handing it a reused 1 MiB buffer sends 1 MiB for a
 * 48-byte packet, the defect the first real kernel found.
 */
class UsbBulkPipeTest {

    private static final byte IN = (byte) 0x81;
    private static final byte OUT = 0x01;

    /** A device end: records each OUT transfer's bytes, serves queued IN packets. */
    private static final class FakeLibUsb implements UsbBulkPipe.BulkTransfer {
        final List<byte[]> outTransfers = new ArrayList<>();
        final List<Integer> inRequestLengths = new ArrayList<>();
        final Deque<byte[]> inPackets = new ArrayDeque<>();

        @Override
        public int transfer(byte endpoint, ByteBuffer data, IntBuffer transferred, long timeoutMillis) {
            int length = data.capacity(); // usb4java's semantics, not position..limit
            if (endpoint == OUT) {
                byte[] sent = new byte[length];
                for (int i = 0; i < length; i++) {
                    sent[i] = data.get(i);
                }
                outTransfers.add(sent);
                transferred.put(0, length);
                return LibUsb.SUCCESS;
            }
            inRequestLengths.add(length);
            byte[] packet = inPackets.poll();
            if (packet == null) {
                transferred.put(0, 0);
                return LibUsb.ERROR_TIMEOUT;
            }
            if (packet.length > length) {
                transferred.put(0, 0);
                return LibUsb.ERROR_OVERFLOW;
            }
            for (int i = 0; i < packet.length; i++) {
                data.put(i, packet[i]);
            }
            transferred.put(0, packet.length);
            return LibUsb.SUCCESS;
        }
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void aSaharaSizedWriteSendsExactlyItsBytes() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = new UsbBulkPipe(usb, IN, OUT, 512);
        byte[] hello = pattern(48);
        pipe.write(hello, 0, 48, false);
        assertEquals(1, usb.outTransfers.size());
        assertArrayEquals(hello, usb.outTransfers.get(0));
    }

    @Test
    void aWriteAfterALargeOneSendsNothingStaleFromTheReusedBuffer() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = new UsbBulkPipe(usb, IN, OUT, 512);
        byte[] big = pattern(3 * UsbBulkPipe.MAX_WRITE + 100);
        pipe.write(big, 0, big.length, false);
        byte[] small = Arrays.copyOfRange(pattern(300), 10, 50);
        pipe.write(small, 0, small.length, false);

        assertEquals(5, usb.outTransfers.size());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < 4; i++) {
            joined.write(usb.outTransfers.get(i), 0, usb.outTransfers.get(i).length);
        }
        assertArrayEquals(big, joined.toByteArray(), "1 MiB chunks then the 100-byte tail, nothing more");
        assertEquals(100, usb.outTransfers.get(3).length);
        assertArrayEquals(small, usb.outTransfers.get(4));
    }

    @Test
    void anOffsetIntoTheCallersArrayIsHonoured() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = new UsbBulkPipe(usb, IN, OUT, 512);
        byte[] data = pattern(1000);
        pipe.write(data, 200, 77, false);
        assertArrayEquals(Arrays.copyOfRange(data, 200, 277), usb.outTransfers.get(0));
    }

    @Test
    void aFullPacketWriteGetsAZeroLengthPacketWhenAsked() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = new UsbBulkPipe(usb, IN, OUT, 512);
        pipe.write(pattern(1024), 0, 1024, true);
        assertEquals(2, usb.outTransfers.size());
        assertEquals(1024, usb.outTransfers.get(0).length);
        assertEquals(0, usb.outTransfers.get(1).length, "the ZLP is a real zero-length transfer");

        pipe.write(pattern(1024), 0, 1024, false);
        assertEquals(3, usb.outTransfers.size(), "no ZLP when the protocol turned them off (Sahara)");
    }

    @Test
    void aReadAsksForWholePacketsCoveringTheRequestNotTheBufferCapacity() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = new UsbBulkPipe(usb, IN, OUT, 512);
        byte[] hello = pattern(48);
        usb.inPackets.add(hello);
        byte[] buf = new byte[48];
        assertEquals(48, pipe.read(buf, 0, 48, 1000));
        assertArrayEquals(hello, buf);
        assertEquals(List.of(512), usb.inRequestLengths, "one packet's worth, not 1 MiB");

        usb.inPackets.add(pattern(4096));
        byte[] big = new byte[5000];
        assertEquals(4096, pipe.read(big, 0, 5000, 1000));
        assertEquals(5120, usb.inRequestLengths.get(1));
    }

    @Test
    void aTransferLargerThanTheCallersBufferIsHandedOutInPieces() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = new UsbBulkPipe(usb, IN, OUT, 512);
        byte[] packet = pattern(300);
        usb.inPackets.add(packet);
        byte[] a = new byte[100];
        byte[] b = new byte[500];
        assertEquals(100, pipe.read(a, 0, 100, 1000));
        assertEquals(200, pipe.read(b, 0, 500, 1000));
        assertArrayEquals(Arrays.copyOfRange(packet, 0, 100), a);
        assertArrayEquals(Arrays.copyOfRange(packet, 100, 300), Arrays.copyOf(b, 200));
        assertEquals(1, usb.inRequestLengths.size(), "the rest came from the buffered transfer");
    }

    @Test
    void zeroLengthCompletionsAreSwallowedAndATimeoutReturnsZero() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = new UsbBulkPipe(usb, IN, OUT, 512);
        usb.inPackets.add(new byte[0]);
        usb.inPackets.add(pattern(12));
        byte[] buf = new byte[64];
        assertEquals(12, pipe.read(buf, 0, 64, 1000));
        assertEquals(0, pipe.read(buf, 0, 64, 20), "nothing queued: a timeout, not an error");
    }

    @Test
    void aGoneDeviceIsDeviceGone() {
        UsbBulkPipe pipe = new UsbBulkPipe((ep, data, t, timeout) -> LibUsb.ERROR_NO_DEVICE, IN, OUT, 512);
        assertThrows(DeviceGoneException.class, () -> pipe.write(pattern(48), 0, 48, false));
        assertThrows(DeviceGoneException.class, () -> pipe.read(new byte[48], 0, 48, 100));
    }
}
