package io.modemflash.qmi.dms;

import io.modemflash.qmi.Fields;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiPayload;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.TlvReader;
import io.modemflash.qmi.TlvWriter;
import io.modemflash.qmi.Tlvs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DMS Set Firmware Preference (0x0048). Request: 0x01 image list (as Get Firmware Preference),
 * optional 0x10 u8 download override, optional 0x11 u8 modem storage index. Response 0x01: u8
 * count + u8 image types the modem still needs downloaded; an empty list means it already
 * stores them and will boot them instead of entering download mode.
 */
public final class SetFirmwarePreference {
    public static final int ID = 0x0048;

    private SetFirmwarePreference() {
    }

    /** downloadOverride and modemStorageIndex are null when the TLV is absent. */
    public record Request(List<ImageId> images, Boolean downloadOverride, Integer modemStorageIndex)
            implements DmsRequest<Response> {
        public Request {
            images = List.copyOf(images);
        }

        public Request(List<ImageId> images) {
            this(images, null, null);
        }

        /**
         * The preference qmi-firmware-update sends for a firmware/config/carrier triple: MODEM
         * unique id "?_?" with build id "FW_?", and PRI unique id = config version with build
         * id "FW_CARRIER". Carrier case matters to the modem ("Generic" is not "GENERIC").
         *
         * @param downloadOverride  true forces a download of a version the modem already stores; null omits TLV 0x10
         * @param modemStorageIndex null omits TLV 0x11
         */
        public static Request forFirmware(String firmwareVersion, String configVersion, String carrier,
                                          Boolean downloadOverride, Integer modemStorageIndex) {
            return new Request(List.of(
                    ImageId.of(ImageId.TYPE_MODEM, "?_?", firmwareVersion + "_?"),
                    ImageId.of(ImageId.TYPE_PRI, configVersion, firmwareVersion + "_" + carrier)),
                    downloadOverride, modemStorageIndex);
        }

        public int messageId() {
            return ID;
        }

        public List<Tlv> toTlvs() {
            List<Tlv> out = new ArrayList<>();
            out.add(GetFirmwarePreference.writeList(0x01, images));
            if (downloadOverride != null) {
                out.add(TlvWriter.ofU8(0x10, downloadOverride ? 1 : 0));
            }
            if (modemStorageIndex != null) {
                out.add(TlvWriter.ofU8(0x11, modemStorageIndex));
            }
            return out;
        }

        public Map<String, Object> fields() {
            return Fields.create().put("images", GetFirmwarePreference.imageFields(images))
                    .put("download_override", downloadOverride).put("modem_storage_index", modemStorageIndex).build();
        }

        public Response decodeResponse(List<Tlv> tlvs) throws QmiFormatException {
            return Response.decode(tlvs);
        }

        public static Request decode(List<Tlv> tlvs) throws QmiFormatException {
            List<ImageId> images = GetFirmwarePreference.readList(
                    Tlvs.require(tlvs, 0x01, "DMS Set Firmware Preference request"));
            Optional<Tlv> override = Tlvs.find(tlvs, 0x10);
            Optional<Tlv> index = Tlvs.find(tlvs, 0x11);
            return new Request(images,
                    override.isPresent() ? override.get().reader().u8() != 0 : null,
                    index.isPresent() ? index.get().reader().u8() : null);
        }
    }

    public record Response(List<Integer> imageTypesToDownload) implements QmiPayload {
        public Response {
            imageTypesToDownload = List.copyOf(imageTypesToDownload);
        }

        /** True when the modem already stores the preferred images and will not enter download mode. */
        public boolean nothingToDownload() {
            return imageTypesToDownload.isEmpty();
        }

        public List<Tlv> toTlvs() {
            TlvWriter w = new TlvWriter(0x01).u8(imageTypesToDownload.size());
            for (int t : imageTypesToDownload) {
                w.u8(t);
            }
            return List.of(w.build());
        }

        public Map<String, Object> fields() {
            List<String> names = new ArrayList<>();
            for (int t : imageTypesToDownload) {
                names.add(ImageId.typeName(t));
            }
            return Fields.create().put("image_types_to_download", names).build();
        }

        /** A response without TLV 0x01 is read as "nothing to download". */
        public static Response decode(List<Tlv> tlvs) throws QmiFormatException {
            Optional<Tlv> t = Tlvs.find(tlvs, 0x01);
            List<Integer> types = new ArrayList<>();
            if (t.isPresent()) {
                TlvReader r = t.get().reader();
                int n = r.u8();
                for (int i = 0; i < n; i++) {
                    types.add(r.u8());
                }
            }
            return new Response(types);
        }
    }
}
