package io.modemflash.qmi.dms;

import io.modemflash.qmi.Fields;
import io.modemflash.qmi.QmiPayload;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.Tlvs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** DMS Get IDs (0x0025): optional strings 0x10 ESN, 0x11 IMEI, 0x12 MEID, 0x13 IMEI SV. Absent = null. */
public final class GetIds {
    public static final int ID = 0x0025;

    private GetIds() {
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

    public record Response(String esn, String imei, String meid, String imeiSoftwareVersion) implements QmiPayload {
        public List<Tlv> toTlvs() {
            List<Tlv> out = new ArrayList<>();
            Tlvs.addString(out, 0x10, esn);
            Tlvs.addString(out, 0x11, imei);
            Tlvs.addString(out, 0x12, meid);
            Tlvs.addString(out, 0x13, imeiSoftwareVersion);
            return out;
        }

        public Map<String, Object> fields() {
            return Fields.create().put("esn", esn).put("imei", imei).put("meid", meid)
                    .put("imei_sv", imeiSoftwareVersion).build();
        }

        public static Response decode(List<Tlv> tlvs) {
            return new Response(Tlvs.optionalString(tlvs, 0x10), Tlvs.optionalString(tlvs, 0x11),
                    Tlvs.optionalString(tlvs, 0x12), Tlvs.optionalString(tlvs, 0x13));
        }
    }
}
