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

/** The download interface's OUT side: buffered completions in order, flow control, ZLPs, cancel, unplug. */
class DownloadFunctionTest {
    final List<UsbRedirMessage> sent = new ArrayList<>();
    final DownloadFunction f = new DownloadFunction(
            UsbDeviceModel.download(DownloadMode.of(Profiles.EDL)).interfaces().get(0), sent::add, "test");

    static BulkPacket out(long id, int len) {
        return new BulkPacket(id, 0x01, 0, len, 0, new byte[len]);
    }

    List<Long> completed() {
        return sent.stream().filter(m -> m instanceof BulkPacket b && b.status() == UsbRedir.STATUS_SUCCESS)
                .map(UsbRedirMessage::id).toList();
    }

    @Test
    void transfersCompleteWhileTheBuffersHoldThemAndInOrderAfterThat() throws Exception {
        f.bulkOut(out(1, 1 << 20));
        f.bulkOut(out(2, 1 << 20));
        f.bulkOut(out(3, 1 << 20));
        f.bulkOut(out(4, 0)); // the ZLP behind a full-packet write waits behind it
        assertEquals(List.of(1L, 2L), completed(), "two 1 MiB chunks fit, the third waits");
        byte[] buf = new byte[(1 << 20) + 4096];
        assertEquals(1 << 20, f.read(buf, 0, buf.length, 1000), "one transfer per read");
        assertEquals(List.of(1L, 2L, 3L, 4L), completed());
        assertEquals(1 << 20, f.read(buf, 0, buf.length, 1000));
        assertEquals(1 << 20, f.read(buf, 0, buf.length, 1000));
        assertEquals(0, f.read(buf, 0, buf.length, 50), "the ZLP carried nothing for the target");
        assertEquals(1, f.zeroLengthPacketsReceived());
    }

    @Test
    void aTransferLongerThanTheReadIsTakenInPiecesAndCancelAnswersOnlyWhatWaits() throws Exception {
        f.bulkOut(out(1, 3 << 20)); // more than the buffers, but nothing else is held: taken
        f.bulkOut(out(2, 100));
        assertEquals(List.of(1L), completed());
        f.cancel(2);
        assertTrue(sent.contains(new BulkPacket(2, 0x01, UsbRedir.STATUS_CANCELLED, 0, 0, null)));
        byte[] buf = new byte[1 << 20];
        assertEquals(1 << 20, f.read(buf, 0, buf.length, 1000));
        f.unplug();
        assertThrows(DeviceGoneException.class, () -> f.read(buf, 0, buf.length, 1000));
    }
}
