package io.modemflash.qmi.dms;

import io.modemflash.qmi.Fields;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiPayload;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.TlvWriter;
import io.modemflash.qmi.Tlvs;

import java.util.List;
import java.util.Map;

/** DMS Get Revision (0x0023): response TLV 0x01 = revision string, e.g. "SWI9X30C_02.33.03.00 r8209 ...". */
public final class GetRevision {
    public static final int ID = 0x0023;

    private GetRevision() {
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

        public Response decodeResponse(List<Tlv> tlvs) throws QmiFormatException {
            return Response.decode(tlvs);
        }

        public static Request decode(List<Tlv> tlvs) {
            return new Request();
        }
    }

    public record Response(String revision) implements QmiPayload {
        public List<Tlv> toTlvs() {
            return List.of(TlvWriter.ofString(0x01, revision));
        }

        public Map<String, Object> fields() {
            return Fields.create().put("model", revision).build();
        }

        public static Response decode(List<Tlv> tlvs) throws QmiFormatException {
            return new Response(Tlvs.requireString(tlvs, 0x01, "DMS Get Revision response"));
        }
    }
}
