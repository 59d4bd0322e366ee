package io.modemflash.qmi.dms;

import io.modemflash.qmi.Fields;
import io.modemflash.qmi.QmiPayload;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.Tlvs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sierra DMS SWI Get Current Firmware (0x5556). All response TLVs are optional strings, NUL
 * terminated on real modems: 0x10 model, 0x11 boot version, 0x12 AMSS version, 0x13 SKU,
 * 0x14 package id, 0x15 carrier id, 0x16 PRI version, 0x17 carrier, 0x18 config version.
 */
public final class SwiGetCurrentFirmware {
    public static final int ID = 0x5556;

    private SwiGetCurrentFirmware() {
    }

    public record Request() implements DmsRequest<Response> {
        public int messageId() {
            return ID;
        }

        public List<Tlv> toTlvs() {
            return List.of();
        }

        public Map<String, Object> fields() {
            return Fields.none();
        }

        public Response decodeResponse(List<Tlv> tlvs) {
            return Response.decode(tlvs);
        }

        public static Request decode(List<Tlv> tlvs) {
            return new Request();
        }
    }

    /** Absent TLVs are null. Encoding writes them without NUL, in type order. */
    public record Response(String model, String bootVersion, String amssVersion, String skuId, String packageId,
                           String carrierId, String priVersion, String carrier, String configVersion)
            implements QmiPayload {
        public List<Tlv> toTlvs() {
            List<Tlv> out = new ArrayList<>();
            Tlvs.addString(out, 0x10, model);
            Tlvs.addString(out, 0x11, bootVersion);
            Tlvs.addString(out, 0x12, amssVersion);
            Tlvs.addString(out, 0x13, skuId);
            Tlvs.addString(out, 0x14, packageId);
            Tlvs.addString(out, 0x15, carrierId);
            Tlvs.addString(out, 0x16, priVersion);
            Tlvs.addString(out, 0x17, carrier);
            Tlvs.addString(out, 0x18, configVersion);
            return out;
        }

        public Map<String, Object> fields() {
            return Fields.create().put("model", model).put("boot_version", bootVersion).put("amss_version", amssVersion)
                    .put("sku_id", skuId).put("package_id", packageId).put("carrier_id", carrierId)
                    .put("pri_version", priVersion).put("carrier", carrier).put("config_version", configVersion).build();
        }

        public static Response decode(List<Tlv> tlvs) {
            return new Response(Tlvs.optionalString(tlvs, 0x10), Tlvs.optionalString(tlvs, 0x11),
                    Tlvs.optionalString(tlvs, 0x12), Tlvs.optionalString(tlvs, 0x13), Tlvs.optionalString(tlvs, 0x14),
                    Tlvs.optionalString(tlvs, 0x15), Tlvs.optionalString(tlvs, 0x16), Tlvs.optionalString(tlvs, 0x17),
                    Tlvs.optionalString(tlvs, 0x18));
        }
    }
}
