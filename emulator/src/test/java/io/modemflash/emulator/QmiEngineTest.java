package io.modemflash.emulator;

import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.qmi.Hex;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiProtocolError;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.TlvWriter;
import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.ctl.GetVersionInfo;
import io.modemflash.qmi.ctl.ReleaseClientId;
import io.modemflash.qmi.ctl.Sync;
import io.modemflash.qmi.dms.GetFirmwarePreference;
import io.modemflash.qmi.dms.GetIds;
import io.modemflash.qmi.dms.GetModel;
import io.modemflash.qmi.dms.GetOperatingMode;
import io.modemflash.qmi.dms.GetRevision;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.ListStoredImages;
import io.modemflash.qmi.dms.OperatingMode;
import io.modemflash.qmi.dms.SetBootImageDownloadMode;
import io.modemflash.qmi.dms.SetFirmwareId;
import io.modemflash.qmi.dms.SetFirmwarePreference;
import io.modemflash.qmi.dms.SetOperatingMode;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class QmiEngineTest {
    private static final int DMS = QmiService.DMS;
    private EmulatedModem modem;
    private Host host;
    private final List<ModemEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());

    private Host start(Profile p, FaultPlan faults) {
        modem = EmulatedModem.start(p, faults);
        modem.onEvent(events::add);
        host = new Host(modem);
        return host;
    }

    private Host start(Profile p) {
        return start(p, FaultPlan.NONE);
    }

    @AfterEach
    void close() throws Exception {
        if (host != null) {
            host.close();
        }
        if (modem != null) {
            modem.close();
        }
    }

    private static int err(QmiProtocolError e) {
        return e.code();
    }

    // ------------------------------------------------------------------ CTL

    @Test
    void versionInfoListsTheProfileServices() throws Exception {
        Host h = start(Profiles.MC7455);
        QmiMessage r = h.call(0, new GetVersionInfo.Request());
        r.checkResult();
        assertEquals(Profiles.MC7455.services(), GetVersionInfo.Response.decode(r.tlvs()).services());
        assertEquals(0, r.clientId());
    }

    @Test
    void clientIdsAreHandedOutRoundRobinAndReleased() throws Exception {
        Host h = start(Profiles.MC7455);
        int a = h.allocate(DMS);
        int b = h.allocate(DMS);
        assertEquals(1, a);
        assertEquals(2, b);
        assertEquals(Set.of(1, 2), modem.allocatedClientIds(DMS));
        h.release(DMS, a);
        // a released id is not reused at once
        assertEquals(3, h.allocate(DMS));
        assertEquals(Set.of(2, 3), modem.allocatedClientIds(DMS));
        assertTrue(events.contains(new ModemEvent.ClientIdReleased(DMS, 1)));
    }

    @Test
    void releasingAnUnknownClientIdIsInvalidClientId() throws Exception {
        Host h = start(Profiles.MC7455);
        QmiMessage r = h.call(0, new ReleaseClientId.Request(DMS, 7));
        assertEquals(err(QmiProtocolError.INVALID_CLIENT_ID), Host.error(r));
        int cid = h.allocate(DMS);
        // right id, wrong service
        r = h.call(0, new ReleaseClientId.Request(QmiService.NAS, cid));
        assertEquals(err(QmiProtocolError.INVALID_CLIENT_ID), Host.error(r));
        assertEquals(Set.of(cid), modem.allocatedClientIds(DMS));
    }

    @Test
    void thePoolIsFiniteAndExhaustionIsReported() throws Exception {
        Host h = start(Profiles.MC7455);
        for (int i = 1; i <= Profiles.CLIENT_IDS; i++) {
            assertEquals(i, h.allocate(DMS));
        }
        QmiMessage r = h.call(0, new AllocateClientId.Request(DMS));
        assertEquals(err(QmiProtocolError.CLIENT_IDS_EXHAUSTED), Host.error(r));
        // other services have their own pool
        assertEquals(1, h.allocate(QmiService.NAS));
        h.release(DMS, 5);
        assertEquals(5, h.allocate(DMS));
        assertEquals(Profiles.CLIENT_IDS + 1, modem.qmi().totalAllocatedClientIds());
    }

    @Test
    void syncDropsEveryClientId() throws Exception {
        Host h = start(Profiles.MC7455);
        int dms = h.allocate(DMS);
        h.allocate(QmiService.NAS);
        h.call(0, new Sync.Request()).checkResult();
        assertEquals(0, modem.qmi().totalAllocatedClientIds());
        assertTrue(events.contains(new ModemEvent.ClientIdsDropped(2)));
        // the dropped id no longer works
        assertEquals(err(QmiProtocolError.INVALID_CLIENT_ID), Host.error(h.call(dms, new GetModel.Request())));
    }

    @Test
    void allocatingForAServiceTheModemLacksIsInvalidServiceType() throws Exception {
        Host h = start(Profiles.EDL);
        assertEquals(err(QmiProtocolError.INVALID_SERVICE_TYPE), Host.error(h.call(0, new AllocateClientId.Request(0x42))));
        assertEquals(err(QmiProtocolError.INVALID_SERVICE_TYPE), Host.error(h.call(0, new AllocateClientId.Request(0))));
        // EDL part has no PBM (0x0C), the MC7455 has
        assertEquals(err(QmiProtocolError.INVALID_SERVICE_TYPE), Host.error(h.call(0, new AllocateClientId.Request(0x0C))));
    }

    @Test
    void unknownCtlMessageAndProxyOpenAreInvalidQmiCommand() throws Exception {
        Host h = start(Profiles.MC7455);
        assertEquals(err(QmiProtocolError.INVALID_QMI_COMMAND), Host.error(h.call(QmiService.CTL, 0, 0x0029, List.of())));
        // 0xFF00 is for qmi-proxy only; a modem does not know it
        assertEquals(err(QmiProtocolError.INVALID_QMI_COMMAND),
                Host.error(h.call(QmiService.CTL, 0, 0xFF00, List.of(TlvWriter.ofString(1, "/dev/cdc-wdm0")))));
    }

    // ------------------------------------------------------------------ DMS identity

    @Test
    void identityMessagesAnswerTheProfileValues() throws Exception {
        Host h = start(Profiles.MC7455);
        int cid = h.allocate(DMS);
        QmiMessage r = h.call(cid, new GetModel.Request());
        r.checkResult();
        assertEquals("MC7455", GetModel.Response.decode(r.tlvs()).model());
        assertEquals(cid, r.clientId());
        r = h.call(cid, new GetRevision.Request());
        assertEquals(Profiles.MC7455.identity().revision(), GetRevision.Response.decode(r.tlvs()).revision());
        GetIds.Response ids = GetIds.Response.decode(h.call(cid, new GetIds.Request()).tlvs());
        assertEquals(new GetIds.Response("0", "359072060123458", null, "05"), ids);
        r = h.call(cid, new SwiGetCurrentFirmware.Request());
        r.checkResult();
        SwiGetCurrentFirmware.Response fw = SwiGetCurrentFirmware.Response.decode(r.tlvs());
        assertEquals("002.072_000", fw.configVersion());
        assertEquals("GENERIC", fw.carrier());
        assertEquals("000.005", fw.priVersion());
        assertEquals("1", fw.carrierId());
        assertEquals("1102476", fw.skuId());
        assertEquals("SWI9X30C_02.33.03.00", fw.amssVersion());
        assertEquals("MC7455", fw.model());
    }

    @Test
    void mc7455StringsCarryATrailingNulAsOnTheRealModem() throws Exception {
        Host h = start(Profiles.MC7455);
        int cid = h.allocate(DMS);
        byte[] model = h.call(cid, new GetModel.Request()).tlv(0x01).orElseThrow().value();
        assertEquals("4D 43 37 34 35 35 00", Hex.spaced(model));
    }

    @Test
    void edlProfileHasNoSierraMessagesNorFirmwarePreference() throws Exception {
        Host h = start(Profiles.EDL);
        int cid = h.allocate(DMS);
        for (var req : List.of(new SwiGetCurrentFirmware.Request(), new GetFirmwarePreference.Request(),
                new ListStoredImages.Request(), new SetFirmwareId.Request())) {
            assertEquals(err(QmiProtocolError.INVALID_QMI_COMMAND), Host.error(h.call(cid, req)), req.toString());
        }
        String rev = GetRevision.Response.decode(h.call(cid, new GetRevision.Request()).tlvs()).revision();
        assertTrue(rev.startsWith("MPSS."), rev);
        byte[] model = h.call(cid, new GetModel.Request()).tlv(0x01).orElseThrow().value();
        assertEquals("SDX55", new String(model)); // no NUL on this part
    }

    @Test
    void unknownDmsMessageIsInvalidQmiCommandWithTheRealLayout() throws Exception {
        Host h = start(Profiles.MC7455);
        assertEquals(1, h.allocate(DMS));
        // PROTOCOLS.md 7: DMS request cid 1 tid 2 msg 0xFFFF, and the error response layout
        QmiMessage r = h.send(Hex.parse("01 0C 00 00 02 01 00 02 00 FF FF 00 00"));
        assertEquals("01 13 00 80 02 01 02 02 00 FF FF 07 00 02 04 00 01 00 47 00", Hex.spaced(r.encode()));
    }

    @Test
    void requestsOnAnUnallocatedClientIdAreRejected() throws Exception {
        Host h = start(Profiles.MC7455);
        QmiMessage r = h.call(9, new GetModel.Request());
        assertEquals(err(QmiProtocolError.INVALID_CLIENT_ID), Host.error(r));
        assertEquals(9, r.clientId());
    }

    // ------------------------------------------------------------------ malformed input

    @Test
    void wrongTlvLengthIsMalformedAndMissingTlvIsMissingArgument() throws Exception {
        Host h = start(Profiles.MC7455);
        int cid = h.allocate(DMS);
        QmiMessage r = h.call(DMS, cid, SetOperatingMode.ID, List.of(new TlvWriter(1).u16(3).build()));
        assertEquals(err(QmiProtocolError.MALFORMED_MESSAGE), Host.error(r));
        r = h.call(DMS, cid, SetOperatingMode.ID, List.of());
        assertEquals(err(QmiProtocolError.MISSING_ARGUMENT), Host.error(r));
        r = h.call(QmiService.CTL, 0, AllocateClientId.ID, List.of());
        assertEquals(err(QmiProtocolError.MISSING_ARGUMENT), Host.error(r));
        r = h.call(QmiService.CTL, 0, ReleaseClientId.ID, List.of(TlvWriter.ofU8(1, DMS)));
        assertEquals(err(QmiProtocolError.MALFORMED_MESSAGE), Host.error(r));
        assertEquals(OperatingMode.ONLINE.code(), modem.operatingMode());
    }

    @Test
    void tlvBlockThatOverflowsIsMalformedAndAnsweredWithTheRequestHeader() throws Exception {
        Host h = start(Profiles.MC7455);
        int cid = h.allocate(DMS);
        // TLV 01 claims 5 bytes, 1 present; tlv block length 4 matches the bytes
        byte[] raw = Hex.parse("01 10 00 00 02 0" + cid + " 00 34 12 2E 00 04 00 01 05 00 03");
        QmiMessage r = h.send(raw);
        assertEquals(err(QmiProtocolError.MALFORMED_MESSAGE), Host.error(r));
        assertEquals(0x1234, r.transactionId());
        assertEquals(SetOperatingMode.ID, r.messageId());
        // TLV block length disagreeing with the frame: a whole-frame transfer (cdc-wdm) is
        // answered MalformedMessage; on a byte stream the re-framer cannot tell it from noise
        raw = Hex.parse("01 0C 00 00 02 0" + cid + " 00 35 12 22 00 05 00");
        List<byte[]> out = modem.qmi().handleFrame(raw);
        assertEquals(1, out.size());
        QmiMessage m = QmiMessage.decode(out.get(0));
        assertEquals(err(QmiProtocolError.MALFORMED_MESSAGE), Host.error(m));
        assertEquals(0x1235, m.transactionId());
        h.port.write(raw);
        assertNull(h.next());
    }

    @Test
    void framesThatAreNotHostRequestsGetNoAnswer() throws Exception {
        Host h = start(Profiles.MC7455);
        int cid = h.allocate(DMS);
        // a response-direction frame (QMUX flags 80), and a request with SDU flags "response"
        h.port.write(QmiMessage.response(DMS, cid, 5, GetModel.ID, List.of()).encode());
        h.port.write(Hex.parse("01 0C 00 00 02 0" + cid + " 02 06 00 22 00 00 00"));
        // a service the modem does not have
        h.port.write(QmiMessage.request(0x42, 1, 7, 0x0001, List.of()).encode());
        assertNull(h.next());
    }

    @Test
    void streamIsReframedAcrossWritesAndGarbageIsSkipped() throws Exception {
        Host h = start(Profiles.MC7455);
        int cid = h.allocate(DMS);
        byte[] a = QmiMessage.request(DMS, cid, 10, GetModel.ID, List.of()).encode();
        byte[] b = QmiMessage.request(DMS, cid, 11, GetRevision.ID, List.of()).encode();
        byte[] all = new byte[3 + a.length + b.length];
        all[0] = 0x7E;
        all[1] = (byte) 0xFF;
        all[2] = 0x00;
        System.arraycopy(a, 0, all, 3, a.length);
        System.arraycopy(b, 0, all, 3 + a.length, b.length);
        // byte by byte: one frame never arrives whole in one write
        for (byte x : all) {
            h.port.write(new byte[] {x});
        }
        QmiMessage r1 = QmiMessage.decode(h.next());
        QmiMessage r2 = QmiMessage.decode(h.next());
        assertEquals(10, r1.transactionId());
        assertEquals(GetModel.ID, r1.messageId());
        assertEquals(11, r2.transactionId());
        assertEquals(GetRevision.ID, r2.messageId());
    }

    // ------------------------------------------------------------------ operating mode and resets

    @Test
    void operatingModeTransitionsFollowFirmwareRules() throws Exception {
        Host h = start(Profiles.MC7455);
        int cid = h.allocate(DMS);
        GetOperatingMode.Response m = GetOperatingMode.Response.decode(h.call(cid, new GetOperatingMode.Request()).tlvs());
        assertEquals(OperatingMode.ONLINE.code(), m.mode());
        // reset only from offline
        assertEquals(err(QmiProtocolError.INVALID_TRANSITION),
                Host.error(h.call(cid, new SetOperatingMode.Request(OperatingMode.RESET))));
        h.call(cid, new SetOperatingMode.Request(OperatingMode.LOW_POWER)).checkResult();
        assertEquals(OperatingMode.LOW_POWER.code(), modem.operatingMode());
        h.call(cid, new SetOperatingMode.Request(OperatingMode.OFFLINE)).checkResult();
        // offline is left only through a reset
        assertEquals(err(QmiProtocolError.INVALID_TRANSITION),
                Host.error(h.call(cid, new SetOperatingMode.Request(OperatingMode.ONLINE))));
        assertEquals(err(QmiProtocolError.INVALID_ARGUMENT), Host.error(h.call(cid, new SetOperatingMode.Request(0x09))));
        m = GetOperatingMode.Response.decode(h.call(cid, new GetOperatingMode.Request()).tlvs());
        assertEquals(OperatingMode.OFFLINE.code(), m.mode());
        // no pending download: the reset reboots into application mode with a fresh pool
        h.call(cid, new SetOperatingMode.Request(OperatingMode.RESET)).checkResult();
        assertEquals(QmiEngine.Phase.APPLICATION, modem.phase());
        assertEquals(OperatingMode.ONLINE.code(), modem.operatingMode());
        assertEquals(0, modem.qmi().totalAllocatedClientIds());
        assertTrue(events.contains(new ModemEvent.ResetRequested(false, "reboot into the stored images")));
        assertTrue(events.contains(new ModemEvent.Rebooted()));
    }

    private static List<ImageId> pref(String fw, String config, String carrier) {
        return List.of(ImageId.of(ImageId.TYPE_MODEM, "?_?", fw + "_?"),
                ImageId.of(ImageId.TYPE_PRI, config, fw + "_" + carrier));
    }

    @Test
    void firmwarePreferenceOfStoredImagesNeedsNoDownload() throws Exception {
        Host h = start(Profiles.MC7455);
        int cid = h.allocate(DMS);
        List<ImageId> verizon = pref("02.33.03.00", "002.073_000", "VERIZON");
        QmiMessage r = h.call(cid, new SetFirmwarePreference.Request(verizon));
        r.checkResult();
        assertTrue(SetFirmwarePreference.Response.decode(r.tlvs()).nothingToDownload());
        assertEquals(verizon, GetFirmwarePreference.Response.decode(h.call(cid, new GetFirmwarePreference.Request())
                .tlvs()).images());
        h.call(cid, new SetOperatingMode.Request(OperatingMode.OFFLINE)).checkResult();
        h.call(cid, new SetOperatingMode.Request(OperatingMode.RESET)).checkResult();
        // the most common field failure: no download mode, the stored images boot instead
        assertEquals(QmiEngine.Phase.APPLICATION, modem.phase());
        assertEquals(1, modem.qmi().runningIndex(1)); // VERIZON PRI is running now
        cid = h.allocate(DMS);
        ListStoredImages.Response list = ListStoredImages.Response.decode(h.call(cid, new ListStoredImages.Request()).tlvs());
        assertEquals(1, list.lists().get(1).runningIndex());
        assertEquals(3, list.lists().get(1).images().size());
    }

    @Test
    void firmwarePreferenceOfNewImagesLeadsToDownloadModeOnReset() throws Exception {
        Host h = start(Profiles.MC7455);
        int cid = h.allocate(DMS);
        List<ImageId> newer = pref("02.33.03.01", "002.072_001", "GENERIC");
        QmiMessage r = h.call(cid, new SetFirmwarePreference.Request(newer));
        r.checkResult();
        assertEquals(List.of(0, 1), SetFirmwarePreference.Response.decode(r.tlvs()).imageTypesToDownload());
        assertEquals(List.of(0, 1), modem.qmi().pendingDownload());
        h.call(cid, new SetOperatingMode.Request(OperatingMode.OFFLINE)).checkResult();
        h.call(cid, new SetOperatingMode.Request(OperatingMode.RESET)).checkResult();
        assertEquals(QmiEngine.Phase.DOWNLOAD, modem.phase());
        assertTrue(events.contains(new ModemEvent.ResetRequested(true, "firmware preference needs modem+pri")), events.toString());
        // the QMI function is gone
        h.port.write(QmiMessage.request(QmiService.CTL, 0, 1, GetVersionInfo.ID, List.of()).encode());
        assertNull(h.next());
        modem.bootToApplication();
        assertEquals(QmiEngine.Phase.APPLICATION, modem.phase());
        h.call(0, new GetVersionInfo.Request()).checkResult();
    }

    @Test
    void downloadOverrideForcesEveryTypeAndTheListMustBeWellFormed() throws Exception {
        Host h = start(Profiles.MC7455);
        int cid = h.allocate(DMS);
        List<ImageId> current = pref("02.33.03.00", "002.072_000", "GENERIC");
        QmiMessage r = h.call(cid, new SetFirmwarePreference.Request(current, true, null));
        assertEquals(List.of(0, 1), SetFirmwarePreference.Response.decode(r.tlvs()).imageTypesToDownload());
        // carrier case matters: Generic is not stored
        r = h.call(cid, new SetFirmwarePreference.Request(pref("02.33.03.00", "002.072_000", "Generic")));
        assertEquals(List.of(1), SetFirmwarePreference.Response.decode(r.tlvs()).imageTypesToDownload());
        // two modem images
        List<ImageId> twice = List.of(current.get(0), current.get(0));
        assertEquals(err(QmiProtocolError.INVALID_ARGUMENT), Host.error(h.call(cid, new SetFirmwarePreference.Request(twice))));
        // storage index beyond the modem slots
        assertEquals(err(QmiProtocolError.INVALID_ARGUMENT),
                Host.error(h.call(cid, new SetFirmwarePreference.Request(current, null, 9))));
        // list TLV with a trailing extra byte
        Tlv list = new SetFirmwarePreference.Request(current).toTlvs().get(0);
        byte[] v = java.util.Arrays.copyOf(list.value(), list.length() + 1);
        assertEquals(err(QmiProtocolError.MALFORMED_MESSAGE),
                Host.error(h.call(DMS, cid, SetFirmwarePreference.ID, List.of(new Tlv(1, v)))));
        assertEquals(err(QmiProtocolError.MISSING_ARGUMENT),
                Host.error(h.call(DMS, cid, SetFirmwarePreference.ID, List.of())));
    }

    @Test
    void setFirmwareIdDependsOnTheFamily() throws Exception {
        Host h = start(Profiles.MC7455);
        int cid = h.allocate(DMS);
        h.call(cid, new SetFirmwareId.Request()).checkResult();
        assertTrue(modem.qmi().firmwareIdSet());
        h.call(cid, new SetOperatingMode.Request(OperatingMode.OFFLINE)).checkResult();
        h.call(cid, new SetOperatingMode.Request(OperatingMode.RESET)).checkResult();
        assertEquals(QmiEngine.Phase.DOWNLOAD, modem.phase());
        assertTrue(events.contains(new ModemEvent.ResetRequested(true, "Set Firmware ID")));
        host.close();
        modem.close();

        h = start(Profiles.EM7565);
        cid = h.allocate(DMS);
        assertEquals(err(QmiProtocolError.MISSING_ARGUMENT), Host.error(h.call(cid, new SetFirmwareId.Request())));
        assertFalse(modem.qmi().firmwareIdSet());
    }

    @Test
    void bootImageDownloadModeIsStoredAndTakesEffectOnReset() throws Exception {
        Host h = start(Profiles.EM7565);
        int cid = h.allocate(DMS);
        assertEquals(err(QmiProtocolError.INVALID_ARGUMENT), Host.error(h.call(cid, new SetBootImageDownloadMode.Request(2))));
        h.call(cid, new SetBootImageDownloadMode.Request(SetBootImageDownloadMode.BOOT_AND_RECOVERY)).checkResult();
        assertEquals(1, modem.qmi().bootImageDownloadMode());
        h.call(cid, new SetOperatingMode.Request(OperatingMode.OFFLINE)).checkResult();
        h.call(cid, new SetOperatingMode.Request(OperatingMode.RESET)).checkResult();
        assertEquals(QmiEngine.Phase.DOWNLOAD, modem.phase());
    }

    // ------------------------------------------------------------------ faults

    @Test
    void injectedErrorDropAndGarbage() throws Exception {
        Host h = start(Profiles.MC7455, FaultPlan.parse("qmi-error:dms-get-revision:Internal", "qmi-drop:Get IDs"));
        int cid = h.allocate(DMS);
        assertEquals(err(QmiProtocolError.INTERNAL), Host.error(h.call(cid, new GetRevision.Request())));
        h.port.write(QmiMessage.request(DMS, cid, 3, GetIds.ID, List.of()).encode());
        assertNull(h.next());
        h.call(cid, new GetModel.Request()).checkResult();
        host.close();
        modem.close();

        start(Profiles.MC7455, FaultPlan.parse("qmi-garbage"));
        ModemEndpoint port = host.port;
        port.write(QmiMessage.request(QmiService.CTL, 0, 1, GetVersionInfo.ID, List.of()).encode());
        byte[] buf = new byte[4096];
        int n = port.read(buf, 0, buf.length, 0);
        assertNotEquals(0x01, buf[0] & 0xFF, "garbage comes before the frame");
        var chunks = new io.modemflash.qmi.QmuxFramer().feed(buf, 0, n);
        assertEquals(2, chunks.size());
        assertInstanceOf(io.modemflash.qmi.QmuxFramer.Garbage.class, chunks.get(0));
        assertInstanceOf(io.modemflash.qmi.QmuxFramer.Frame.class, chunks.get(1));
    }

    @Test
    void malformedAnswerFaults() throws Exception {
        Host h = start(Profiles.MC7455, FaultPlan.parse("qmi-wrong-service:dms-get-revision", "qmi-overflow:Get Model",
                "qmi-truncate:dms-get-ids"));
        int cid = h.allocate(DMS);

        QmiMessage wrong = h.call(cid, new GetRevision.Request());
        assertEquals(QmiService.WDS, wrong.service(), "answered on another service");
        assertEquals(GetRevision.ID, wrong.messageId());
        assertEquals(cid, wrong.clientId());

        h.port.write(QmiMessage.request(DMS, cid, 100, GetModel.ID, List.of()).encode());
        byte[] overflow = h.next();
        QmiFormatException e = assertThrows(QmiFormatException.class, () -> QmiMessage.decode(overflow));
        assertTrue(e.getMessage().contains("claims 23 byte(s), only 7 left"), e.getMessage());

        h.port.write(QmiMessage.request(DMS, cid, 101, GetIds.ID, List.of()).encode());
        assertNull(h.next(), "half a frame is no frame");
        assertTrue(modem.qmi().history().stream().anyMatch(x -> x.outcome().endsWith("(fault: truncate)")),
                modem.qmi().history().toString());
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.parse("qmi-truncate"));
    }

    @Test
    void badFaultSpecsAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaultPlan.parse("qmi-error:dms-get-revision"));
        assertTrue(e.getMessage().contains("qmi-error:<message>:<ErrorName>"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FaultPlan.parse("qmi-error:dms-get-revision:Nope"));
        assertTrue(e.getMessage().contains("unknown QMI error 'Nope'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FaultPlan.parse("usb-unplug"));
        assertTrue(e.getMessage().startsWith("unknown fault 'usb-unplug'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> EmulatedModem.start(Profiles.MC7455, FaultPlan.parse("qmi-drop:dms-get-weather")));
        assertTrue(e.getMessage().contains("dms-get-revision"), e.getMessage());
        assertEquals(QmiProtocolError.MISSING_ARGUMENT,
                ((FaultPlan.QmiError) FaultPlan.parse("qmi-error:GetModel:0x0011").faults().get(0)).error());
    }

    @Test
    void profilesAreFoundByNameAndUnknownNamesListTheKnownOnes() {
        assertSame(Profiles.EM7565, Profiles.byName("EM7565"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Profiles.byName("mc7430"));
        assertEquals("unknown emulator profile 'mc7430'; known: mc7455, em7565, edl", e.getMessage());
    }
}
