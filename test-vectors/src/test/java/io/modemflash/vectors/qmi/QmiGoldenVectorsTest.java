package io.modemflash.vectors.qmi;

import io.modemflash.qmi.Hex;
import io.modemflash.qmi.MessageKind;
import io.modemflash.qmi.QmiDescriber;
import io.modemflash.qmi.QmiErrorResponseException;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiProtocolError;
import io.modemflash.qmi.QmiResult;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.QmuxFramer;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.ctl.InternalProxyOpen;
import io.modemflash.qmi.dms.GetIds;
import io.modemflash.qmi.dms.GetModel;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** PROTOCOLS.md section 7, QMI part: every vector decodes (and, where built by us, encodes) exactly. */
class QmiGoldenVectorsTest {

    static byte[] vector(String name) throws IOException {
        try (InputStream in = QmiGoldenVectorsTest.class.getResourceAsStream("/vectors/qmi/" + name + ".hex")) {
            assertNotNull(in, "missing vector " + name);
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                int hash = line.indexOf('#');
                hex.append(hash >= 0 ? line.substring(0, hash) : line).append(' ');
            }
            return Hex.parse(hex.toString());
        }
    }

    @Test
    void dmsRequestEncodesAndDecodes() throws Exception {
        byte[] v = vector("dms-request-ffff");
        QmiMessage m = QmiMessage.decode(v);
        assertEquals(QmiService.DMS, m.service());
        assertEquals(1, m.clientId());
        assertFalse(m.fromModem());
        assertEquals(MessageKind.REQUEST, m.kind());
        assertEquals(2, m.transactionId());
        assertEquals(0xFFFF, m.messageId());
        assertTrue(m.tlvs().isEmpty());
        assertArrayEquals(v, QmiMessage.request(QmiService.DMS, 1, 2, 0xFFFF, List.of()).encode());
    }

    @Test
    void okResponseIsTheRequestAnsweredWithSuccess() throws Exception {
        QmiMessage req = QmiMessage.decode(vector("dms-request-ffff"));
        byte[] v = vector("dms-response-ffff-ok");
        assertArrayEquals(v, req.respond(QmiResult.SUCCESS, List.of()).encode());
        QmiMessage rsp = QmiMessage.decode(v);
        assertTrue(rsp.fromModem());
        assertEquals(MessageKind.RESPONSE, rsp.kind());
        assertEquals(QmiResult.SUCCESS, rsp.result().orElseThrow());
        rsp.checkResult();
    }

    @Test
    void errorResponseCarriesInternal() throws Exception {
        QmiMessage req = QmiMessage.decode(vector("dms-request-ffff"));
        byte[] v = vector("dms-response-ffff-internal");
        assertArrayEquals(v, req.respond(QmiResult.failure(QmiProtocolError.INTERNAL), List.of()).encode());
        QmiMessage rsp = QmiMessage.decode(v);
        assertEquals(new QmiResult(1, 3), rsp.result().orElseThrow());
        QmiErrorResponseException e = assertThrows(QmiErrorResponseException.class, rsp::checkResult);
        assertEquals(QmiProtocolError.INTERNAL, e.error().orElseThrow());
        assertTrue(e.getMessage().endsWith("failed: Internal (0x0003)"), e.getMessage());
    }

    @Test
    void tooShortSdusAreInvalid() throws Exception {
        QmiFormatException a = assertThrows(QmiFormatException.class,
                () -> QmiMessage.decodeSdu(QmiService.DMS, 1, true, vector("sdu-too-short")));
        assertTrue(a.getMessage().contains("too short: 5 byte(s)"), a.getMessage());
        QmiFormatException b = assertThrows(QmiFormatException.class,
                () -> QmiMessage.decodeSdu(QmiService.DMS, 1, true, vector("sdu-tlv-length-without-body")));
        assertTrue(b.getMessage().contains("TLV block length says 100"), b.getMessage());
    }

    @Test
    void ctlAllocateUsesAn8BitTidAndServicesA16BitOne() throws Exception {
        byte[] v = vector("ctl-allocate-cid-dms");
        QmiMessage m = QmiMessage.decode(v);
        assertEquals(QmiService.CTL, m.service());
        assertEquals(0xFF, m.transactionId());
        assertEquals(AllocateClientId.ID, m.messageId());
        assertEquals(new AllocateClientId.Request(QmiService.DMS), AllocateClientId.Request.decode(m.tlvs()));
        AllocateClientId.Request r = new AllocateClientId.Request(QmiService.DMS);
        assertArrayEquals(v, QmiMessage.request(QmiService.CTL, 0, 0xFF, r.messageId(), r.toTlvs()).encode());

        byte[] getIds = QmiMessage.request(QmiService.DMS, 1, 0xABCD, GetIds.ID, List.of()).encode();
        assertEquals(0xCD, getIds[7] & 0xFF);
        assertEquals(0xAB, getIds[8] & 0xFF);
        assertEquals(GetIds.ID, getIds[9] & 0xFF);
        assertEquals(0, getIds[10]);
    }

    @Test
    void nasSignalStrengthReframes() throws Exception {
        byte[] v = vector("nas-get-signal-strength-response");
        assertEquals(39, v.length);
        QmiMessage m = QmiMessage.decode(v);
        assertEquals(QmiService.NAS, m.service());
        assertEquals(0x0020, m.messageId());
        assertEquals(List.of(new Tlv(0x02, Hex.parse("00 00 00 00")), new Tlv(0x01, Hex.parse("9B 05")),
                new Tlv(0x11, Hex.parse("01 00 65 05")), new Tlv(0x12, Hex.parse("01 00 11 05"))), m.tlvs());

        QmuxFramer cut = new QmuxFramer();
        assertTrue(cut.feed(Arrays.copyOf(v, 32)).isEmpty(), "cut at 32 bytes must wait for more");
        assertEquals(32, cut.pending());
        assertEquals(List.of(new QmuxFramer.Frame(v)), cut.feed(Arrays.copyOfRange(v, 32, v.length)));

        byte[] two = new byte[78];
        System.arraycopy(v, 0, two, 0, 39);
        System.arraycopy(v, 0, two, 39, 39);
        assertEquals(List.of(new QmuxFramer.Frame(v), new QmuxFramer.Frame(v)), new QmuxFramer().feed(two));
    }

    @Test
    void dmsGetIds() throws Exception {
        QmiMessage m = QmiMessage.decode(vector("dms-get-ids-response"));
        assertEquals(0xFFFF, m.transactionId());
        m.checkResult();
        assertEquals(new GetIds.Response("80997874", "359225050039973", "35922505003997", "B"),
                GetIds.Response.decode(m.tlvs()));
    }

    @Test
    void swiGetCurrentFirmwareFromAnMc7455() throws Exception {
        QmiMessage m = QmiMessage.decode(vector("dms-swi-get-current-firmware-mc7455"));
        assertEquals(SwiGetCurrentFirmware.ID, m.messageId());
        m.checkResult();
        assertEquals(new SwiGetCurrentFirmware.Response("MC7455", "SWI9X30C_02.33.03.00", "SWI9X30C_02.33.03.00",
                        "1102476", null, "1", "000.005", "GENERIC", "002.072_000"),
                SwiGetCurrentFirmware.Response.decode(m.tlvs()));
    }

    @Test
    void getModelWithTrailingTab() throws Exception {
        QmiMessage m = QmiMessage.decode(vector("dms-get-model-trailing-tab"));
        assertEquals(5, m.clientId());
        assertEquals("EM12-AW", GetModel.Response.decode(m.tlvs()).model());
    }

    @Test
    void internalProxyOpenForCdcWdm0() throws Exception {
        InternalProxyOpen.Request r = new InternalProxyOpen.Request("/dev/cdc-wdm0");
        assertArrayEquals(vector("ctl-internal-proxy-open"),
                QmiMessage.request(QmiService.CTL, 0, 1, r.messageId(), r.toTlvs()).encode());
    }

    @Test
    void describerExplainsEveryFrameVector() throws Exception {
        for (String name : List.of("dms-request-ffff", "dms-response-ffff-ok", "dms-response-ffff-internal",
                "ctl-allocate-cid-dms", "nas-get-signal-strength-response", "dms-get-ids-response",
                "dms-swi-get-current-firmware-mc7455", "dms-get-model-trailing-tab", "ctl-internal-proxy-open")) {
            List<QmiDescriber.Entry> e = QmiDescriber.describe(vector(name));
            assertEquals(1, e.size(), name);
            QmiDescriber.Described d = assertInstanceOf(QmiDescriber.Described.class, e.get(0), name);
            assertNull(d.decodeError(), name + ": " + d.decodeError());
        }
        QmiDescriber.Described ids = (QmiDescriber.Described) QmiDescriber.describe(vector("dms-get-ids-response")).get(0);
        assertEquals("359225050039973", ids.fields().get("imei"));
        assertEquals("B", ids.fields().get("imei_sv"));
    }
}
