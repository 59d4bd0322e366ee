package io.modemflash.qmi.ctl;

import io.modemflash.qmi.Fields;
import io.modemflash.qmi.QmiPayload;
import io.modemflash.qmi.QmiRequest;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.Tlv;

import java.util.List;
import java.util.Map;

/** CTL Sync (0x0027): no TLVs either way; the modem drops every client id it had allocated. */
public final class Sync {
    public static final int ID = 0x0027;

    private Sync() {
    }

    public record Request() implements QmiRequest<Response> {
        public int service() {
            return QmiService.CTL;
        }

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

    public record Response() implements QmiPayload {
        public List<Tlv> toTlvs() {
            return List.of();
        }

        public Map<String, Object> fields() {
            return Fields.none();
        }

        public static Response decode(List<Tlv> tlvs) {
            return new Response();
        }
    }
}
