package io.modemflash.qmi.ctl;

import io.modemflash.qmi.Fields;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiPayload;
import io.modemflash.qmi.QmiRequest;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.TlvWriter;
import io.modemflash.qmi.Tlvs;

import java.util.List;
import java.util.Map;

/**
 * CTL Internal Proxy Open (0xFF00), understood only by qmi-proxy: TLV 0x01 = the device path
 * as a bare string without NUL; the response carries only the result.
 */
public final class InternalProxyOpen {
    public static final int ID = 0xFF00;

    private InternalProxyOpen() {
    }

    public record Request(String devicePath) implements QmiRequest<Response> {
        public int service() {
            return QmiService.CTL;
        }

        public int messageId() {
            return ID;
        }

        public List<Tlv> toTlvs() {
            return List.of(TlvWriter.ofString(0x01, devicePath));
        }

        public Map<String, Object> fields() {
            return Fields.create().put("device_path", devicePath).build();
        }

        public Response decodeResponse(List<Tlv> tlvs) {
            return Response.decode(tlvs);
        }

        public static Request decode(List<Tlv> tlvs) throws QmiFormatException {
            return new Request(Tlvs.requireString(tlvs, 0x01, "CTL Internal Proxy Open request"));
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
