package io.modemflash.qmi.ctl;

import io.modemflash.qmi.Fields;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiPayload;
import io.modemflash.qmi.QmiRequest;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.TlvReader;
import io.modemflash.qmi.TlvWriter;
import io.modemflash.qmi.Tlvs;

import java.util.List;
import java.util.Map;

/** CTL Release Client Id (0x0023): TLV 0x01 {u8 service, u8 cid} in both directions. */
public final class ReleaseClientId {
    public static final int ID = 0x0023;

    private ReleaseClientId() {
    }

    public record Request(int forService, int clientId) implements QmiRequest<Response> {
        public int service() {
            return QmiService.CTL;
        }

        public int messageId() {
            return ID;
        }

        public List<Tlv> toTlvs() {
            return List.of(new TlvWriter(0x01).u8(forService).u8(clientId).build());
        }

        public Map<String, Object> fields() {
            return Fields.create().put("service", QmiService.name(forService)).put("client_id", clientId).build();
        }

        public Response decodeResponse(List<Tlv> tlvs) throws QmiFormatException {
            return Response.decode(tlvs);
        }

        public static Request decode(List<Tlv> tlvs) throws QmiFormatException {
            TlvReader r = Tlvs.require(tlvs, 0x01, "CTL Release Client Id request").reader();
            return new Request(r.u8(), r.u8());
        }
    }

    public record Response(int forService, int clientId) implements QmiPayload {
        public List<Tlv> toTlvs() {
            return List.of(new TlvWriter(0x01).u8(forService).u8(clientId).build());
        }

        public Map<String, Object> fields() {
            return Fields.create().put("service", QmiService.name(forService)).put("client_id", clientId).build();
        }

        public static Response decode(List<Tlv> tlvs) throws QmiFormatException {
            TlvReader r = Tlvs.require(tlvs, 0x01, "CTL Release Client Id response").reader();
            return new Response(r.u8(), r.u8());
        }
    }
}
