package io.modemflash.emulator.serial;

import io.modemflash.emulator.Profiles;
import io.modemflash.qdl.hdlc.Hdlc;
import io.modemflash.qmi.Hex;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class SerialRespondersTest {
    static final String REV = Profiles.MC7455.identity().revision();

    static String at(AtResponder r, String in) {
        byte[] b = in.getBytes(StandardCharsets.ISO_8859_1);
        return new String(r.received(b, 0, b.length).bytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void atEchoesAndAnswersTheIdentificationCommandsVerbose() {
        AtResponder r = new AtResponder(Profiles.MC7455, () -> REV, () -> { });
        assertEquals("AT\r\r\nOK\r\n", at(r, "AT\r"));
        assertEquals("AT+CGMR\r\r\n" + REV + "\r\n\r\nOK\r\n", at(r, "AT+CGMR\r"));
        String ati = at(r, "ATI\r");
        assertTrue(ati.startsWith("ATI\r\r\nManufacturer: Sierra Wireless, Incorporated\r\nModel: MC7455\r\nRevision: "
                + REV + "\r\nIMEI: 359072060123458\r\nIMEI SV: 5\r\nFSN: LF72751234011017\r\n+GCAP: +CGSM\r\n\r\nOK\r\n"),
                ati);
        assertEquals("AT+NOPE\r\r\nERROR\r\n", at(r, "AT+NOPE\r"));
        // echo off; a command split over several writes, lower case
        assertEquals("ATE0\r\r\nOK\r\n", at(r, "ATE0\r"));
        assertEquals("", at(r, "at+cg"));
        assertEquals("\r\nSierra Wireless, Incorporated\r\n\r\nOK\r\n", at(r, "mi\r\n"));
    }

    @Test
    void bootHoldAnswersOkFirstAndThenActs() {
        AtomicInteger holds = new AtomicInteger();
        AtResponder r = new AtResponder(Profiles.MC7455, () -> REV, holds::incrementAndGet);
        assertEquals("AT!ENTERCND=\"A710\"\r\r\nOK\r\n", at(r, "AT!ENTERCND=\"A710\"\r"));
        byte[] in = "AT!BOOTHOLD\r".getBytes(StandardCharsets.US_ASCII);
        SerialResponder.Answer a = r.received(in, 0, in.length);
        assertEquals("AT!BOOTHOLD\r\r\nOK\r\n", new String(a.bytes(), StandardCharsets.US_ASCII));
        assertEquals(0, holds.get(), "not before the OK is out");
        a.then().run();
        assertEquals(1, holds.get());
        // a part without boot-and-hold
        assertEquals("AT!BOOTHOLD\r\r\nERROR\r\n", at(new AtResponder(Profiles.EDL, () -> REV, null), "AT!BOOTHOLD\r"));
    }

    static byte[] dm(QcdmResponder r, byte[] wire) {
        return r.received(wire, 0, wire.length).bytes();
    }

    @Test
    void qcdmVersionInfoComesFromTheRunningFirmware() throws Exception {
        QcdmResponder r = new QcdmResponder(Profiles.MC7455, () -> REV, null);
        byte[] out = dm(r, Hdlc.frame(new byte[] {0x00}));
        assertEquals(0x7e, out[out.length - 1] & 0xff);
        assertNotEquals(0x7e, out[0] & 0xff, "DIAG answers carry only the closing flag");
        byte[] rsp = Hdlc.unframe(out);
        assertEquals(55, rsp.length);
        assertEquals(0, rsp[0]);
        assertEquals("Aug 28 2019", new String(rsp, 1, 11, StandardCharsets.US_ASCII));
        assertEquals("20:59:30", new String(rsp, 12, 8, StandardCharsets.US_ASCII));
        assertEquals("MC7455\0\0", new String(rsp, 39, 8, StandardCharsets.US_ASCII));
        byte[] sw = Hdlc.unframe(dm(r, Hdlc.frame(new byte[] {0x38})));
        assertEquals(0x38, sw[0]);
        assertEquals(REV.substring(0, 31), new String(sw, 1, 31, StandardCharsets.US_ASCII));
    }

    @Test
    void qcdmSaysBadCommandToWhatItDoesNotKnowAndDropsBadFrames() throws Exception {
        QcdmResponder r = new QcdmResponder(Profiles.MC7455, () -> REV, null); // Sierra DIAG: no EDL command
        // a download tool speaking Sierra QDL to the DM port (PROTOCOLS.md 3): the "bad command" echo
        assertEquals("13 70 00 00", Hex.spaced(Hdlc.unframe(dm(r, Hex.parse("7E 70 00 00 14 46 7E")))));
        assertEquals("13 4B 65 01 00", Hex.spaced(Hdlc.unframe(dm(r, Hex.parse("4b 65 01 00 54 0f 7e")))));
        assertEquals(0, dm(r, Hex.parse("7E 70 00 00 14 47 7E")).length, "bad CRC: dropped");
        // two requests in one write, one split over two writes
        byte[] two = dm(r, Hex.parse("00 78 F0 7E 38"));
        assertEquals(0, Hdlc.unframe(two)[0]);
        byte[] rest = Hdlc.frame(new byte[] {0x38});
        assertEquals(0x38, Hdlc.unframe(dm(r, java.util.Arrays.copyOfRange(rest, 2, rest.length)))[0]);
    }

    @Test
    void qcdmGoToEdlIsEchoedAndThenActs() {
        AtomicInteger edl = new AtomicInteger();
        QcdmResponder r = new QcdmResponder(Profiles.EDL, () -> "x", edl::incrementAndGet);
        SerialResponder.Answer a = r.received(Hex.parse("4b 65 01 00 54 0f 7e"), 0, 7);
        assertEquals("4B 65 01 00 54 0F 7E", Hex.spaced(a.bytes()));
        assertEquals(0, edl.get());
        a.then().run();
        assertEquals(1, edl.get());
    }
}
