package io.modemflash.emulator.usbredir;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.usb.UsbDescriptors;
import io.modemflash.emulator.usb.UsbDeviceModel;
import io.modemflash.emulator.usbredir.UsbRedirMessage.AltSettingStatus;
import io.modemflash.emulator.usbredir.UsbRedirMessage.ControlPacket;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Endpoint;
import io.modemflash.emulator.usbredir.UsbRedirMessage.GetAltSetting;
import io.modemflash.emulator.usbredir.UsbRedirMessage.Interface;
import io.modemflash.qmi.Hex;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.dms.GetRevision;
import io.modemflash.qmi.mbim.MbimMessage;
import io.modemflash.qmi.mbim.MbimStatus;
import io.modemflash.qmi.mbim.MbimUuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The EM7565 in its MBIM composition as a USB device, the way Linux's cdc_mbim (on cdc_ncm's
 * binding code) and cdc-wdm meet it. Expected bytes written by hand from USB CDC 1.2 (Header,
 * Union), MBIM 1.0 6.4/6.5 (MBIM functional descriptor subtype 1B: bcdMBIMVersion 1.00,
 * wMaxControlMessage, bNumberFilters, bMaxFilterSize, wMaxSegmentSize, bmNetworkCapabilities;
 * extended 1C: version, bMaxOutstandingCommandMessages, wMTU) and NCM 1.0 table 6-3 (the
 * 28-byte NTB parameter structure).
 */
class UsbRedirMbimTest {
    static final Profile EM7565_MBIM = Profiles.EM7565.inMbimComposition();
    static final int CONTROL = 8;
    static final int DATA = 9;
    static final int NOTIFY_EP = 0x86;

    static final String EM7565_MBIM_CONFIG = String.join(" ",
            "09 02 AA 00 05 01 00 A0 FA",
            "09 04 00 00 02 FF FF FF 00", "07 05 81 02 00 02 00", "07 05 01 02 00 02 00",
            "09 04 02 00 03 FF 00 00 00", "07 05 83 03 0A 00 09", "07 05 82 02 00 02 00", "07 05 02 02 00 02 00",
            "09 04 03 00 03 FF 00 00 00", "07 05 85 03 0A 00 09", "07 05 84 02 00 02 00", "07 05 03 02 00 02 00",
            // MBIM control: one interrupt endpoint, Header 1.10, Union 8 -> 9, MBIM 1.00 (4096, 16 filters of
            // 128 bytes, 2048-byte segments, 8-byte NTB input size), extended 1.00 (64 outstanding, MTU 1500)
            "09 04 08 00 01 02 0E 00 00", "05 24 00 10 01", "05 24 06 08 09",
            "0C 24 1B 00 01 00 10 10 80 00 08 20", "08 24 1C 00 01 40 DC 05", "07 05 86 03 40 00 09",
            // MBIM data: alternate setting 0 without endpoints, 1 with the bulk pair (NTB protocol 02)
            "09 04 09 00 00 0A 00 02 00",
            "09 04 09 01 02 0A 00 02 00", "07 05 87 02 00 02 00", "07 05 04 02 00 02 00");

    @Test
    void descriptorsAreThoseOfAnMbimFunction() {
        UsbDeviceModel m = UsbDeviceModel.application(EM7565_MBIM.usb());
        assertEquals(EM7565_MBIM_CONFIG, Hex.spaced(UsbDescriptors.configuration(m)));
        assertEquals(5, m.interfaceCount());
    }

    @Test
    void cdcMbimBindsAndMbimTravelsInEncapsulatedCommands(@TempDir Path dir) throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(EM7565_MBIM)) {
            modem.publishUsbRedir(new UsbRedirAddress(true, dir.resolve("s")), Duration.ofSeconds(10));
            try (UsbRedirTestHost host = UsbRedirTestHost.connect(dir.resolve("s"))) {
                host.awaitConnect();
                assertEquals(List.of(new Interface(0, 0xff, 0xff, 0xff), new Interface(2, 0xff, 0, 0),
                        new Interface(3, 0xff, 0, 0), new Interface(CONTROL, 0x02, 0x0e, 0x00),
                        new Interface(DATA, 0x0a, 0x00, 0x02)), host.interfaceInfo().interfaces());
                UsbRedirTestHost.Enumerated e = host.enumerateConnected();
                assertEquals(EM7565_MBIM_CONFIG, Hex.spaced(e.configuration()));

                // cdc_ncm's bind: the data interface to 0, the NTB parameters, the input size
                assertEquals(UsbRedir.STATUS_SUCCESS, host.setInterface(DATA, 0).status());
                assertEquals(Endpoint.INVALID, host.epInfo().endpoints().get(UsbRedir.slot(0x87)),
                        "no bulk endpoints in alternate setting 0");
                ControlPacket params = host.control(0xa1, 0x80, 0, CONTROL, 28, null);
                assertEquals(UsbRedir.STATUS_SUCCESS, params.status());
                assertEquals("1C 00 01 00 00 80 00 00 04 00 00 00 04 00 00 00 00 80 00 00 04 00 00 00 04 00 10 00",
                        Hex.spaced(params.data()));
                byte[] input = {0x00, 0x40, 0, 0, 0, 0, 0, 0}; // 16384, no datagram limit
                assertEquals(UsbRedir.STATUS_SUCCESS, host.control(0x21, 0x86, 0, CONTROL, 8, input).status());
                assertEquals("00 40 00 00 00 00 00 00",
                        Hex.spaced(host.control(0xa1, 0x85, 0, CONTROL, 8, null).data()));
                // what the announced parameters rule out: STALL
                assertEquals(UsbRedir.STATUS_STALL, host.control(0x21, 0x86, 0, CONTROL, 4,
                        new byte[] {0x00, 0x40, 0, 0}).status(), "bit 5 announced 8-byte input sizes");
                assertEquals(UsbRedir.STATUS_STALL, host.control(0x21, 0x86, 0, CONTROL, 8,
                        new byte[] {0x00, 0x04, 0, 0, 0, 0, 0, 0}).status(), "1024 is below NCM's 2048 minimum");
                assertEquals(UsbRedir.STATUS_STALL, host.control(0x21, 0x84, 1, CONTROL, 0, new byte[0]).status(),
                        "32-bit NTBs are not supported");
                assertEquals(UsbRedir.STATUS_SUCCESS, host.control(0x21, 0x84, 0, CONTROL, 0, new byte[0]).status());
                assertEquals("00 08", Hex.spaced(host.control(0xa1, 0x87, 0, CONTROL, 2, null).data()));
                assertEquals(UsbRedir.STATUS_STALL, host.control(0x21, 0x88, 0, CONTROL, 2,
                        new byte[] {0x01, 0x08}).status(), "larger than wMaxSegmentSize");

                // the bulk pair appears with alternate setting 1 (announced before the status), no setting 2
                AltSettingStatus alt1 = host.setInterface(DATA, 1);
                assertEquals(UsbRedir.STATUS_SUCCESS, alt1.status());
                assertEquals(1, alt1.alt());
                assertEquals(new Endpoint(UsbRedir.EP_BULK, 0, DATA, 512), host.epInfo().endpoints()
                        .get(UsbRedir.slot(0x87)));
                assertEquals(new Endpoint(UsbRedir.EP_BULK, 0, DATA, 512), host.epInfo().endpoints()
                        .get(UsbRedir.slot(0x04)));
                assertEquals(1, host.call(new GetAltSetting(host.nextId(), DATA), AltSettingStatus.class).alt());
                assertEquals(UsbRedir.STATUS_STALL, host.setInterface(DATA, 2).status());
                assertEquals(UsbRedir.STATUS_STALL, host.setInterface(CONTROL, 1).status());

                // cdc-wdm: OPEN, then a Basic Connect query and QMI inside MBIM, one answer per GET
                assertEquals(UsbRedir.STATUS_SUCCESS, host.interruptReceiving(NOTIFY_EP, true).status());
                assertEquals(0, host.getResponse(CONTROL).length, "nothing queued on open");
                MbimMessage.OpenDone open = (MbimMessage.OpenDone) mbim(host, new MbimMessage.Open(1, 4096));
                assertEquals(MbimStatus.SUCCESS, open.status());
                MbimMessage.CommandDone caps = (MbimMessage.CommandDone) mbim(host,
                        new MbimMessage.Command(2, MbimUuid.BASIC_CONNECT, 1, MbimMessage.QUERY, new byte[0]));
                assertEquals(MbimStatus.SUCCESS, caps.status());
                assertTrue(new String(caps.buffer(), StandardCharsets.UTF_16LE).contains("SWI9X50C_01.08.04.00"));

                MbimMessage.CommandDone alloc = (MbimMessage.CommandDone) mbim(host, new MbimMessage.Command(3,
                        MbimUuid.QMI, 1, MbimMessage.SET, QmiMessage.request(QmiService.CTL, 0, 1,
                        AllocateClientId.ID, new AllocateClientId.Request(QmiService.DMS).toTlvs()).encode()));
                int cid = AllocateClientId.Response.decode(QmiMessage.decode(alloc.buffer()).tlvs()).clientId();
                MbimMessage.CommandDone rev = (MbimMessage.CommandDone) mbim(host, new MbimMessage.Command(4,
                        MbimUuid.QMI, 1, MbimMessage.SET, QmiMessage.request(QmiService.DMS, cid, 2, GetRevision.ID,
                        new GetRevision.Request().toTlvs()).encode()));
                assertEquals(EM7565_MBIM.identity().revision(),
                        GetRevision.Response.decode(QmiMessage.decode(rev.buffer()).tlvs()).revision());

                // RESET_FUNCTION drops what is unread and closes MBIM: the next command is refused NotOpened
                host.control(0x21, 0x00, 0, CONTROL, 0, new MbimMessage.Command(5, MbimUuid.BASIC_CONNECT, 1,
                        MbimMessage.QUERY, new byte[0]).encode());
                assertNotNull(host.interrupt(NOTIFY_EP, UsbRedirTestHost.WAIT));
                assertEquals(UsbRedir.STATUS_SUCCESS, host.control(0x21, 0x05, 0, CONTROL, 0, new byte[0]).status());
                assertEquals(0, host.getResponse(CONTROL).length);
                MbimMessage.Error closed = (MbimMessage.Error) mbim(host, new MbimMessage.Command(6,
                        MbimUuid.BASIC_CONNECT, 1, MbimMessage.QUERY, new byte[0]));
                assertEquals(MbimStatus.ERROR_NOT_OPENED, closed.errorCode());
                assertTrue(host.unexpected.isEmpty(), host.unexpected.toString());
            }
        }
    }

    private static MbimMessage mbim(UsbRedirTestHost host, MbimMessage request) throws Exception {
        return MbimMessage.decode(host.qmi(CONTROL, NOTIFY_EP, request.encode()));
    }
}
