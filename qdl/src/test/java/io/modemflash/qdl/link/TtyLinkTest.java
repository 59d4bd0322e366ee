package io.modemflash.qdl.link;

import io.modemflash.posix.Pty;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.sahara.SaharaCodec;
import io.modemflash.qdl.sahara.SaharaImage;
import io.modemflash.qdl.sahara.SaharaPacket;
import io.modemflash.qdl.sahara.SaharaSession;
import io.modemflash.qdl.testutil.PeerIo;
import io.modemflash.qdl.testutil.PeerThread;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class TtyLinkTest {

    @Test
    void bytesFlowBothWaysInRawMode() throws IOException {
        try (Pty pty = Pty.open(); TtyLink link = TtyLink.open(pty.slavePath())) {
            // Raw mode: CR, ^C and 7E pass untouched.
            byte[] msg = {0x7e, 0x0d, 0x03, 0x0a, 0x00, (byte) 0xff};
            pty.master().write(msg);
            byte[] buf = new byte[16];
            int n = 0;
            while (n < msg.length) {
                int r = link.read(buf, n, buf.length - n, 2_000);
                assertTrue(r > 0, "data expected");
                n += r;
            }
            assertArrayEquals(msg, Arrays.copyOf(buf, n));
            link.write(new byte[] {1, 2, 3});
            byte[] back = new byte[3];
            int m = 0;
            while (m < 3) {
                m += pty.master().read(back, m, 3 - m, 2_000);
            }
            assertArrayEquals(new byte[] {1, 2, 3}, back);
            assertEquals(0, link.read(buf, 0, buf.length, 1), "timeout returns 0");
        }
    }

    @Test
    void hangupIsDeviceGone() throws IOException {
        Pty pty = Pty.open();
        try (TtyLink link = TtyLink.open(pty.slavePath())) {
            pty.close();
            assertThrows(DeviceGoneException.class, () -> link.read(new byte[8], 0, 8, 2_000));
        }
    }

    @Test
    void closedLinkIsDeviceGone() throws IOException {
        try (Pty pty = Pty.open()) {
            TtyLink link = TtyLink.open(pty.slavePath());
            link.close();
            assertThrows(DeviceGoneException.class, () -> link.read(new byte[8], 0, 8, 100));
        }
    }

    @Test
    void missingTtyIsNoMatchingDevice() {
        assertThrows(NoMatchingDeviceException.class, () -> TtyLink.open(Path.of("/dev/ttyUSB-does-not-exist")));
    }

    @Test
    void saharaUploadOverAPty() throws Exception {
        byte[] elf = new byte[4096];
        new java.util.Random(8).nextBytes(elf);
        try (Pty pty = Pty.open(); TtyLink host = TtyLink.open(pty.slavePath())) {
            Link device = TtyLink.adopt(pty.master(), "pty master");
            PeerIo io = new PeerIo(device);
            try (var t = new PeerThread(() -> {
                io.write(SaharaCodec.encode(new SaharaPacket.Hello(2, 1, 0x400, 0)));
                io.readExactly(0x30);
                io.write(SaharaCodec.encode(new SaharaPacket.ReadData(13, 0x100, 0x200)));
                assertArrayEquals(Arrays.copyOfRange(elf, 0x100, 0x300), io.readExactly(0x200));
                io.write(SaharaCodec.encode(new SaharaPacket.EndOfImageTx(13, 0)));
                io.readExactly(8);
                io.write(SaharaCodec.encode(new SaharaPacket.DoneResp(1)));
            })) {
                SaharaSession s = new SaharaSession(host);
                s.awaitHello();
                s.uploadProgrammer(SaharaImage.of("prog", elf), Progress.NONE);
                t.join();
            }
        }
    }
}
