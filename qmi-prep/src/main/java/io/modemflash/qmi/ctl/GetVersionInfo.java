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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** CTL Get Version Info (0x0021): response TLV 0x01 = u8 count, count x {u8 service, u16 major, u16 minor}. */
public final class GetVersionInfo {
    public static final int ID = 0x0021;

    private GetVersionInfo() {
    }

    public record ServiceVersion(int service, int major, int minor) {
        public String serviceName() {
            return QmiService.name(service);
        }

        @Override
        public String toString() {
            return serviceName() + " " + major + "." + minor;
        }
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

        public Response decodeResponse(List<Tlv> tlvs) throws QmiFormatException {
            return Response.decode(tlvs);
        }

        public static Request decode(List<Tlv> tlvs) {
            return new Request();
        }
    }

    public record Response(List<ServiceVersion> services) implements QmiPayload {
        public Response {
            services = List.copyOf(services);
        }

        public List<Tlv> toTlvs() {
            TlvWriter w = new TlvWriter(0x01).u8(services.size());
            for (ServiceVersion s : services) {
                w.u8(s.service()).u16(s.major()).u16(s.minor());
            }
            return List.of(w.build());
        }

        public Map<String, Object> fields() {
            List<String> list = new ArrayList<>();
            for (ServiceVersion s : services) {
                list.add(s.toString());
            }
            return Fields.create().put("services", list).build();
        }

        public static Response decode(List<Tlv> tlvs) throws QmiFormatException {
            TlvReader r = Tlvs.require(tlvs, 0x01, "CTL Get Version Info response").reader();
            int n = r.u8();
            List<ServiceVersion> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(new ServiceVersion(r.u8(), r.u16(), r.u16()));
            }
            return new Response(list);
        }
    }
}
