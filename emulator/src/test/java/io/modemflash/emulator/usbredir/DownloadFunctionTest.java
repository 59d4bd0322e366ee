package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.boot.DownloadMode;
import io.modemflash.emulator.usb.UsbDeviceModel;
import io.modemflash.emulator.usbredir.UsbRedirMessage.BulkPacket;
import io.modemflash.qdl.link.DeviceGoneException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The download interface's OUT side: host URBs complete into the device's buffers in order
 * (flow control beyond them), and the target reads device transfers, which end at a short
 * packet or a ZLP whatever URBs carried them.
 */
class DownloadFunctionTest {
    final List<UsbRedirMessage> sent = new ArrayList<>();
    final DownloadFunction f = new DownloadFunction(
            UsbDeviceModel.download(DownloadMode.of(Profiles.EDL)).interfaces().get(0), sent::add, "test");
    final byte[] buf = new byte[(1 << 20) + 4096];

    static BulkPacket out(long id, int len) {
        byte[] d = new byte[len];
        java.util.Arrays.fill(d, (byte) id);
        return new BulkPacket(id, 0x01, 0, len, 0, d);
    }

    List<Long> completed() {
        return sent.stream().filter(m -> m instanceof BulkPacket b && b.status() == UsbRedir.STATUS_SUCCESS)
                .map(UsbRedirMessage::id).toList();
    }

    @Test
    void urbsCompleteWhileTheBuffersHoldThemAndInOrderAfterThat() throws Exception {
        f.bulkOut(out(1, 1 << 20));
        f.bulkOut(out(2, 1 << 20));
        f.bulkOut(out(3, 1 << 20));
        f.bulkOut(out(4, 0)); // the ZLP behind the last full-packet URB waits behind it
        assertEquals(List.of(1L, 2L), completed(), "two 1 MiB URBs fit, the third waits");
        assertEquals(1 << 20, f.read(buf, 0, 1 << 20, 1000), "a read of the payload size");
        assertEquals(List.of(1L, 2L, 3L, 4L), completed());
        assertEquals(1 << 20, f.read(buf, 0, 1 << 20, 1000));
        assertEquals(1 << 20, f.read(buf, 0, buf.length, 1000), "the ZLP ends the last transfer");
        assertEquals(0, f.read(buf, 0, buf.length, 50), "the ZLP carried nothing for the target");
        assertEquals(1, f.zeroLengthPacketsReceived());
    }

    @Test
    void aTransferEndsAtAShortPacketNotAtAUrb() throws Exception {
        // qmi-firmware-update's 512 zeros after an image, then the next command: one transfer
        f.bulkOut(out(1, 512));
        assertEquals(0, f.read(buf, 0, buf.length, 100), "a full packet alone leaves the transfer open");
        f.bulkOut(out(2, 100));
        assertEquals(612, f.read(buf, 0, buf.length, 1000));
        assertEquals(1, buf[0]);
        assertEquals(2, buf[611]);
        // a ZLP ends a full-packet transfer; the next URB starts a new one
        f.bulkOut(out(3, 1024));
        f.bulkOut(out(4, 0));
        f.bulkOut(out(5, 100));
        assertEquals(1024, f.read(buf, 0, buf.length, 1000));
        assertEquals(100, f.read(buf, 0, buf.length, 1000));
        // a long URB is taken in pieces of the read
        f.bulkOut(out(6, 3000));
        assertEquals(8, f.read(buf, 0, 8, 1000));
        assertEquals(2992, f.read(buf, 0, buf.length, 1000));
    }

    @Test
    void cancelAnswersOnlyWhatWaitsAndUnplugEndsReads() throws Exception {
        f.bulkOut(out(1, 3 << 20)); // more than the buffers, but nothing else is held: taken
        f.bulkOut(out(2, 100));
        assertEquals(List.of(1L), completed());
        f.cancel(2);
        assertTrue(sent.contains(new BulkPacket(2, 0x01, UsbRedir.STATUS_CANCELLED, 0, 0, null)));
        assertEquals(1 << 20, f.read(buf, 0, 1 << 20, 1000));
        f.unplug();
        assertThrows(DeviceGoneException.class, () -> f.read(buf, 0, buf.length, 1000));
    }
}
