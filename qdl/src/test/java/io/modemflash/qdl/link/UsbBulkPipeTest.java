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
 * What reaches libusb, without a kernel: the fake below behaves as usb4java does (a transfer
 * moves the buffer's whole capacity from its start and ignores position and limit), so a
 * pipe handing it a reused 1 MiB buffer sends 1 MiB for a 48-byte packet, the defect the
 * first real kernel found. OUT transfers are asynchronous as libusb's are: the fake takes
 * their bytes only when it completes them, one per event pump, so a pipe that reused a
 * buffer still in flight would be caught sending the wrong bytes.
 */
class UsbBulkPipeTest {

    private static final byte IN = (byte) 0x81;
    private static final byte OUT = 0x01;

    /** A device end: records each OUT transfer's bytes as it completes, serves queued IN packets. */
    private static final class FakeLibUsb implements UsbBulkPipe.BulkTransfer, BulkOutQueue.Submitter {
        final List<byte[]> outTransfers = new ArrayList<>();
        final List<Integer> inRequestLengths = new ArrayList<>();
        final Deque<byte[]> inPackets = new ArrayDeque<>();
        final List<String> events = new ArrayList<>();
        /** Submitted, not completed: the buffer and its completion. */
        final Deque<Object[]> queued = new ArrayDeque<>();
        int maxQueued;
        int submitted;
        /** Status (a libusb error code) for the transfer with this submission index, else success. */
        int failAt = -1;
        int failStatus;
        int shortAt = -1;
        int cancels;
        boolean cancelled;

        @Override
        public int submit(ByteBuffer data, long timeoutMillis, BulkOutQueue.Completion done) {
            queued.add(new Object[] {data, done, submitted++});
            maxQueued = Math.max(maxQueued, queued.size());
            return LibUsb.SUCCESS;
        }

        @Override
        public int pump(long timeoutMillis) {
            Object[] t = queued.poll();
            if (t == null) {
                return LibUsb.SUCCESS;
            }
            ByteBuffer data = (ByteBuffer) t[0];
            BulkOutQueue.Completion done = (BulkOutQueue.Completion) t[1];
            int index = (int) t[2];
            if (cancelled) {
                done.completed(LibUsb.ERROR_INTERRUPTED, 0);
                return LibUsb.SUCCESS;
            }
            if (index == failAt) {
                done.completed(failStatus, 0);
                return LibUsb.SUCCESS;
            }
            int length = data.capacity(); // usb4java's semantics, not position..limit
            if (index == shortAt) {
                length /= 2;
            }
            byte[] sent = new byte[length];
            for (int i = 0; i < length; i++) {
                sent[i] = data.get(i);
            }
            outTransfers.add(sent);
            events.add("out " + length);
            done.completed(LibUsb.SUCCESS, length);
            return LibUsb.SUCCESS;
        }

        @Override
        public void cancelAll() {
            cancels++;
            cancelled = !queued.isEmpty();
        }

        @Override
        public int transfer(byte endpoint, ByteBuffer data, IntBuffer transferred, long timeoutMillis) {
            int length = data.capacity(); // usb4java's semantics, not position..limit
            assertEquals(IN, endpoint, "OUT goes through the asynchronous queue");
            cancelled = false;
            events.add("in " + length);
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

    /** A device end whose transfer number {@code index} (from 0) completes with {@code status}. */
    private static FakeLibUsb failingAt(int index, int status) {
        FakeLibUsb usb = new FakeLibUsb();
        usb.failAt = index;
        usb.failStatus = status;
        return usb;
    }

    private static UsbBulkPipe pipe(FakeLibUsb usb) {
        return new UsbBulkPipe(usb, usb, IN, OUT, 512);
    }

    private static byte[] joined(List<byte[]> parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        parts.forEach(p -> all.write(p, 0, p.length));
        return all.toByteArray();
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
        UsbBulkPipe pipe = pipe(usb);
        byte[] hello = pattern(48);
        pipe.write(hello, 0, 48, false);
        pipe.flush();
        assertEquals(1, usb.outTransfers.size());
        assertArrayEquals(hello, usb.outTransfers.get(0));
    }

    @Test
    void aWriteAfterALargeOneSendsNothingStaleFromTheReusedBuffer() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = pipe(usb);
        byte[] big = pattern(3 * UsbBulkPipe.MAX_WRITE + 100);
        pipe.write(big, 0, big.length, false);
        byte[] small = Arrays.copyOfRange(pattern(300), 10, 50);
        pipe.write(small, 0, small.length, false);
        pipe.flush();

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
        UsbBulkPipe pipe = pipe(usb);
        byte[] data = pattern(1000);
        pipe.write(data, 200, 77, false);
        pipe.flush();
        assertArrayEquals(Arrays.copyOfRange(data, 200, 277), usb.outTransfers.get(0));
    }

    @Test
    void aFullPacketWriteGetsAZeroLengthPacketWhenAsked() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = pipe(usb);
        pipe.write(pattern(1024), 0, 1024, true);
        pipe.flush();
        assertEquals(2, usb.outTransfers.size());
        assertEquals(1024, usb.outTransfers.get(0).length);
        assertEquals(0, usb.outTransfers.get(1).length, "the ZLP is a real zero-length transfer");

        pipe.write(pattern(1024), 0, 1024, false);
        pipe.flush();
        assertEquals(3, usb.outTransfers.size(), "no ZLP when the protocol turned them off (Sahara)");
    }

    @Test
    void aReadAsksForWholePacketsCoveringTheRequestNotTheBufferCapacity() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = pipe(usb);
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
        UsbBulkPipe pipe = pipe(usb);
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
        UsbBulkPipe pipe = pipe(usb);
        usb.inPackets.add(new byte[0]);
        usb.inPackets.add(pattern(12));
        byte[] buf = new byte[64];
        assertEquals(12, pipe.read(buf, 0, 64, 1000));
        assertEquals(0, pipe.read(buf, 0, 64, 20), "nothing queued: a timeout, not an error");
    }

    @Test
    void aGoneDeviceIsDeviceGone() throws IOException {
        FakeLibUsb usb = failingAt(0, LibUsb.ERROR_NO_DEVICE);
        UsbBulkPipe pipe = pipe(usb);
        pipe.write(pattern(48), 0, 48, false); // queued; the failure shows when it completes
        assertThrows(DeviceGoneException.class, pipe::flush);
        UsbBulkPipe reads = new UsbBulkPipe((ep, data, t, timeout) -> LibUsb.ERROR_NO_DEVICE, usb, IN, OUT, 512);
        assertThrows(DeviceGoneException.class, () -> reads.read(new byte[48], 0, 48, 100));
    }

    @Test
    void smallWritesAreQueuedSeveralAtATimeAndArriveInOrderUntouched() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = pipe(usb);
        byte[] image = pattern(400 * 8192 + 1000);
        List<byte[]> meant = new ArrayList<>();
        for (int pos = 0; pos < image.length; pos += 8192) {
            int n = Math.min(8192, image.length - pos);
            pipe.write(image, pos, n, true); // Sierra's payload, each full one with its ZLP
            meant.add(Arrays.copyOfRange(image, pos, pos + n));
            if (n % 512 == 0) {
                meant.add(new byte[0]);
            }
        }
        pipe.flush();
        assertEquals(0, usb.queued.size());
        assertEquals(meant.size(), usb.outTransfers.size());
        for (int i = 0; i < meant.size(); i++) {
            assertArrayEquals(meant.get(i), usb.outTransfers.get(i), "transfer " + i);
        }
        assertEquals(BulkOutQueue.MAX_TRANSFERS, usb.maxQueued, "the queue fills to its bound, never beyond");
    }

    @Test
    void megabyteWritesWrapTheRingWithoutOverwritingATransferInFlight() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = pipe(usb);
        byte[] image = pattern(11 * UsbBulkPipe.MAX_WRITE + 4096 + 300);
        // odd sizes, so ring positions shift and the wrap lands at different offsets
        int[] sizes = {UsbBulkPipe.MAX_WRITE, 700_000, UsbBulkPipe.MAX_WRITE, 5, 1_000_001};
        int pos = 0;
        for (int k = 0; pos < image.length; k++) {
            int n = Math.min(sizes[k % sizes.length], image.length - pos);
            pipe.write(image, pos, n, false);
            pos += n;
        }
        pipe.flush();
        assertArrayEquals(image, joined(usb.outTransfers));
        assertTrue(usb.maxQueued > 1 && usb.maxQueued <= BulkOutQueue.RING_BYTES / 700_000 + 1,
                "several in flight, bounded by the ring: " + usb.maxQueued);
    }

    @Test
    void aStalledTransferFailsTheNextCallAndCancelsWhatWasQueuedBehindIt() throws IOException {
        FakeLibUsb usb = failingAt(3, LibUsb.ERROR_PIPE);
        UsbBulkPipe pipe = pipe(usb);
        IOException e = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 100; i++) {
                pipe.write(pattern(8000), 0, 8000, false);
            }
            pipe.flush();
        });
        assertTrue(e.getMessage().contains("write 8000 bytes"), e.getMessage());
        assertEquals(3, usb.outTransfers.size(), "the three before it went out, nothing after it");
        assertEquals(1, usb.cancels);
        assertEquals(0, usb.queued.size(), "every cancelled transfer was given back before the throw");

        usb.cancelled = false;
        pipe.write(pattern(48), 0, 48, false); // the link stays usable: a recovery may resync
        pipe.flush();
        assertEquals(48, usb.outTransfers.get(3).length);
    }

    @Test
    void aTimedOutWriteIsALinkTimeoutAndAShortOneIsNamed() throws IOException {
        FakeLibUsb usb = failingAt(0, LibUsb.ERROR_TIMEOUT);
        UsbBulkPipe pipe = pipe(usb);
        pipe.write(pattern(512), 0, 512, false);
        assertThrows(LinkTimeoutException.class, pipe::flush);

        FakeLibUsb shortUsb = new FakeLibUsb();
        shortUsb.shortAt = 1;
        UsbBulkPipe shortPipe = pipe(shortUsb);
        shortPipe.write(pattern(1024), 0, 1024, false);
        shortPipe.write(pattern(1024), 0, 1024, false);
        IOException e = assertThrows(IOException.class, shortPipe::flush);
        assertEquals("short USB write: 512 of 1024 bytes", e.getMessage());
    }

    @Test
    void aReadWaitsForTheQueuedWritesFirst() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = pipe(usb);
        pipe.write(pattern(8192), 0, 8192, false);
        pipe.write(pattern(100), 0, 100, false);
        assertEquals(2, usb.queued.size(), "writes return once queued");
        usb.inPackets.add(pattern(12));
        assertEquals(12, pipe.read(new byte[64], 0, 64, 1000));
        assertEquals(List.of("out 8192", "out 100", "in 512"), usb.events);
    }

    @Test
    void closeLetsTheQueuedWritesGoOut() throws IOException {
        FakeLibUsb usb = new FakeLibUsb();
        UsbBulkPipe pipe = pipe(usb);
        byte[] reset = pattern(90); // e.g. a last <power value="reset"/> nobody waits to see answered
        pipe.write(reset, 0, reset.length, false);
        pipe.close();
        assertEquals(0, usb.cancels);
        assertArrayEquals(reset, usb.outTransfers.get(0));
    }
}
