package io.modemflash.qmi;

import io.modemflash.qmi.ctl.AllocateClientId;
import io.modemflash.qmi.ctl.GetVersionInfo;
import io.modemflash.qmi.ctl.InternalProxyOpen;
import io.modemflash.qmi.ctl.ReleaseClientId;
import io.modemflash.qmi.ctl.Sync;
import io.modemflash.qmi.dms.EmptyPayload;
import io.modemflash.qmi.dms.GetFirmwarePreference;
import io.modemflash.qmi.dms.GetIds;
import io.modemflash.qmi.dms.GetModel;
import io.modemflash.qmi.dms.GetOperatingMode;
import io.modemflash.qmi.dms.GetRevision;
import io.modemflash.qmi.dms.ListStoredImages;
import io.modemflash.qmi.dms.SetBootImageDownloadMode;
import io.modemflash.qmi.dms.SetFirmwareId;
import io.modemflash.qmi.dms.SetFirmwarePreference;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Registry: (service, message id) to name and, for the messages this project speaks, the typed
 * request and response decoders. Used by the describer, traces, error messages and the emulator.
 */
public final class QmiMessageNames {

    /** One known message. Decoders are null for messages we only name. */
    public record MessageSpec(int service, int messageId, String name, TlvDecoder requestDecoder,
                              TlvDecoder responseDecoder) {
        public Optional<TlvDecoder> decoder(MessageKind kind) {
            return Optional.ofNullable(switch (kind) {
                case REQUEST -> requestDecoder;
                case RESPONSE -> responseDecoder;
                case INDICATION -> null;
            });
        }
    }

    private static final Map<Long, MessageSpec> SPECS = new HashMap<>();

    static {
        int ctl = QmiService.CTL;
        add(ctl, 0x0020, "Set Instance ID", null, null);
        add(ctl, GetVersionInfo.ID, "Get Version Info", GetVersionInfo.Request::decode, GetVersionInfo.Response::decode);
        add(ctl, AllocateClientId.ID, "Allocate Client ID", AllocateClientId.Request::decode,
                AllocateClientId.Response::decode);
        add(ctl, ReleaseClientId.ID, "Release Client ID", ReleaseClientId.Request::decode,
                ReleaseClientId.Response::decode);
        add(ctl, Sync.ID, "Sync", Sync.Request::decode, Sync.Response::decode);
        add(ctl, InternalProxyOpen.ID, "Internal Proxy Open", InternalProxyOpen.Request::decode,
                InternalProxyOpen.Response::decode);

        int dms = QmiService.DMS;
        add(dms, 0x0020, "Get Capabilities", null, null);
        add(dms, 0x0021, "Get Manufacturer", null, null);
        add(dms, GetModel.ID, "Get Model", GetModel.Request::decode, GetModel.Response::decode);
        add(dms, GetRevision.ID, "Get Revision", GetRevision.Request::decode, GetRevision.Response::decode);
        add(dms, 0x0024, "Get MSISDN", null, null);
        add(dms, GetIds.ID, "Get IDs", GetIds.Request::decode, GetIds.Response::decode);
        add(dms, GetOperatingMode.ID, "Get Operating Mode", GetOperatingMode.Request::decode,
                GetOperatingMode.Response::decode);
        add(dms, 0x002E, "Set Operating Mode", io.modemflash.qmi.dms.SetOperatingMode.Request::decode,
                EmptyPayload::decode);
        add(dms, SetFirmwareId.ID, "Set Firmware ID", SetFirmwareId.Request::decode, EmptyPayload::decode);
        add(dms, GetFirmwarePreference.ID, "Get Firmware Preference", GetFirmwarePreference.Request::decode,
                GetFirmwarePreference.Response::decode);
        add(dms, SetFirmwarePreference.ID, "Set Firmware Preference", SetFirmwarePreference.Request::decode,
                SetFirmwarePreference.Response::decode);
        add(dms, ListStoredImages.ID, "List Stored Images", ListStoredImages.Request::decode,
                ListStoredImages.Response::decode);
        add(dms, SetBootImageDownloadMode.ID, "Set Boot Image Download Mode", SetBootImageDownloadMode.Request::decode,
                EmptyPayload::decode);
        add(dms, SwiGetCurrentFirmware.ID, "SWI Get Current Firmware", SwiGetCurrentFirmware.Request::decode,
                SwiGetCurrentFirmware.Response::decode);

        add(QmiService.NAS, 0x0020, "Get Signal Strength", null, null);
        add(QmiService.NAS, 0x002B, "Get Technology Preference", null, null);
        add(QmiService.NAS, 0x0034, "Get System Selection Preference", null, null);
        add(0x1A, 0x0021, "Get Data Format", null, null);
    }

    private QmiMessageNames() {
    }

    private static void add(int service, int id, String name, TlvDecoder req, TlvDecoder rsp) {
        SPECS.put(key(service, id), new MessageSpec(service, id, name, req, rsp));
    }

    private static long key(int service, int id) {
        return ((long) service << 16) | id;
    }

    public static Optional<MessageSpec> lookup(int service, int messageId) {
        return Optional.ofNullable(SPECS.get(key(service, messageId)));
    }

    /** "Get Model", or empty when unknown. */
    public static Optional<String> name(int service, int messageId) {
        return lookup(service, messageId).map(MessageSpec::name);
    }

    /** "DMS Get Model", or "DMS message 0x1234" when unknown: always usable in an error message. */
    public static String messageName(int service, int messageId) {
        return QmiService.name(service) + " " + name(service, messageId)
                .orElse("message 0x" + Hex.u16(messageId));
    }

    /** Typed payload of a message, empty when we have no decoder for it. */
    public static Optional<QmiPayload> decodePayload(QmiMessage m) throws QmiFormatException {
        Optional<MessageSpec> spec = lookup(m.service(), m.messageId());
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        Optional<TlvDecoder> d = spec.get().decoder(m.kind());
        if (d.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(d.get().decode(m.tlvs()));
    }
}
