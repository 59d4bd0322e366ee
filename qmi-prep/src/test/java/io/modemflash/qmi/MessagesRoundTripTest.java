package io.modemflash.qmi;

import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.ctl.GetVersionInfo;
import io.modemflash.qmi.ctl.InternalProxyOpen;
import io.modemflash.qmi.ctl.ReleaseClientId;
import io.modemflash.qmi.dms.GetFirmwarePreference;
import io.modemflash.qmi.dms.GetIds;
import io.modemflash.qmi.dms.GetOperatingMode;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.ListStoredImages;
import io.modemflash.qmi.dms.OperatingMode;
import io.modemflash.qmi.dms.SetFirmwarePreference;
import io.modemflash.qmi.dms.SetOperatingMode;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Every typed message survives encode -> frame bytes -> decode, through the registry decoders. */
class MessagesRoundTripTest {

    private static QmiPayload viaWire(int service, MessageKind kind, int msgId, QmiPayload p) throws Exception {
        QmiMessage m = new QmiMessage(service, 1, kind != MessageKind.REQUEST, kind, 9, msgId, p.toTlvs());
        QmiMessage back = QmiMessage.decode(m.encode());
        return QmiMessageNames.decodePayload(back).orElseThrow();
    }

    private static void req(int service, int id, QmiPayload p) throws Exception {
        assertEquals(p, viaWire(service, MessageKind.REQUEST, id, p));
    }

    private static void rsp(int service, int id, QmiPayload p) throws Exception {
        assertEquals(p, viaWire(service, MessageKind.RESPONSE, id, p));
    }

    static final List<ImageId> PREF = List.of(
            ImageId.of(ImageId.TYPE_MODEM, "?_?", "02.33.03.00_?"),
            ImageId.of(ImageId.TYPE_PRI, "002.072_001", "02.33.03.00_GENERIC"));

    @Test
    void ctl() throws Exception {
        req(0, AllocateClientId.ID, new AllocateClientId.Request(2));
        rsp(0, AllocateClientId.ID, new AllocateClientId.Response(2, 7));
        req(0, ReleaseClientId.ID, new ReleaseClientId.Request(2, 7));
        rsp(0, ReleaseClientId.ID, new ReleaseClientId.Response(2, 7));
        rsp(0, GetVersionInfo.ID, new GetVersionInfo.Response(List.of(
                new GetVersionInfo.ServiceVersion(0, 1, 5), new GetVersionInfo.ServiceVersion(2, 1, 14))));
        req(0, InternalProxyOpen.ID, new InternalProxyOpen.Request("/dev/cdc-wdm0"));
    }

    @Test
    void proxyOpenMatchesGoldenBytes() {
        InternalProxyOpen.Request r = new InternalProxyOpen.Request("/dev/cdc-wdm0");
        byte[] b = QmiMessage.request(0, 0, 1, r.messageId(), r.toTlvs()).encode();
        assertArrayEquals(Hex.parse("01 1B 00 00 00 00 00 01 00 FF 10 00 01 0D 00 2F 64 65 76 2F 63 64 63 2D 77 64 6D 30"), b);
    }

    @Test
    void dms() throws Exception {
        rsp(2, GetIds.ID, new GetIds.Response("80997874", "359225050039973", null, "B"));
        rsp(2, GetOperatingMode.ID, new GetOperatingMode.Response(OperatingMode.OFFLINE));
        req(2, SetOperatingMode.ID, new SetOperatingMode.Request(OperatingMode.RESET));
        rsp(2, GetFirmwarePreference.ID, new GetFirmwarePreference.Response(PREF));
        req(2, SetFirmwarePreference.ID, new SetFirmwarePreference.Request(PREF, true, 2));
        req(2, SetFirmwarePreference.ID, new SetFirmwarePreference.Request(PREF));
        rsp(2, SetFirmwarePreference.ID, new SetFirmwarePreference.Response(List.of(0, 1)));
        rsp(2, SetFirmwarePreference.ID, new SetFirmwarePreference.Response(List.of()));
        rsp(2, ListStoredImages.ID, new ListStoredImages.Response(List.of(
                new ListStoredImages.ImageList(0, 4, 0, List.of(new ListStoredImages.StoredImage(
                        0, 0, ImageId.of(0, "?_?", "x").uniqueId(), "02.33.03.00_?"))),
                new ListStoredImages.ImageList(1, 50, 0xFF, List.of()))));
        rsp(2, SwiGetCurrentFirmware.ID, new SwiGetCurrentFirmware.Response("MC7455", "SWI9X30C_02.33.03.00",
                "SWI9X30C_02.33.03.00", "1102476", null, "1", "000.005", "GENERIC", "002.072_000"));
    }

    @Test
    void setFirmwarePreferenceRequestIsByteExact() {
        // Set Firmware Preference as qmi-firmware-update builds it (PROTOCOLS.md 1.4), plus override 0x10=1.
        SetFirmwarePreference.Request r = SetFirmwarePreference.Request.forFirmware("02.33.03.00", "002.072_001",
                "GENERIC", true, null);
        assertEquals(new SetFirmwarePreference.Request(PREF, true, null), r);
        assertEquals(2, r.toTlvs().size());
        Tlv list = r.toTlvs().get(0);
        byte[] expected = Hex.parse("02"
                + " 00 3F 5F 3F 00 00 00 00 00 00 00 00 00 00 00 00 00 0D 30 32 2E 33 33 2E 30 33 2E 30 30 5F 3F"
                + " 01 30 30 32 2E 30 37 32 5F 30 30 31 00 00 00 00 00 13"
                + " 30 32 2E 33 33 2E 30 33 2E 30 30 5F 47 45 4E 45 52 49 43");
        assertArrayEquals(expected, list.value());
        assertEquals(new Tlv(0x10, new byte[] {1}), r.toTlvs().get(1));
    }

    @Test
    void imageListClaimingMoreEntriesThanPresentOverflows() {
        List<Tlv> tlvs = List.of(new Tlv(1, Hex.parse("02 00 3F 5F 3F")));
        QmiFormatException e = assertThrows(QmiFormatException.class, () -> GetFirmwarePreference.Response.decode(tlvs));
        assertTrue(e.getMessage().startsWith("reading TLV 0x01 would overflow"), e.getMessage());
    }

    @Test
    void missingMandatoryTlvIsNamed() {
        QmiFormatException e = assertThrows(QmiFormatException.class,
                () -> AllocateClientId.Response.decode(List.of()));
        assertEquals("CTL Allocate Client Id response: mandatory TLV 0x01 missing", e.getMessage());
    }

    @Test
    void registryNamesMessages() {
        assertEquals("DMS Get Revision", QmiMessageNames.messageName(2, 0x23));
        assertEquals("CTL Sync", QmiMessageNames.messageName(0, 0x27));
        assertEquals("DMS message 0x9999", QmiMessageNames.messageName(2, 0x9999));
        assertEquals("0x42 message 0x0001", QmiMessageNames.messageName(0x42, 1));
    }
}
