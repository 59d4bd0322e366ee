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

/** DMS Get Firmware Preference (0x0047): response TLV 0x01 = u8 count, count x {@link ImageId}. */
public final class GetFirmwarePreference {
    public static final int ID = 0x0047;

    private GetFirmwarePreference() {
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

    public record Response(List<ImageId> images) implements QmiPayload {
        public Response {
            images = List.copyOf(images);
        }

        public List<Tlv> toTlvs() {
            return List.of(writeList(0x01, images));
        }

        public Map<String, Object> fields() {
            return Fields.create().put("images", imageFields(images)).build();
        }

        public static Response decode(List<Tlv> tlvs) throws QmiFormatException {
            return new Response(readList(Tlvs.require(tlvs, 0x01, "DMS Get Firmware Preference response")));
        }
    }

    static Tlv writeList(int type, List<ImageId> images) {
        TlvWriter w = new TlvWriter(type).u8(images.size());
        for (ImageId i : images) {
            i.write(w);
        }
        return w.build();
    }

    static List<ImageId> readList(Tlv tlv) throws QmiFormatException {
        TlvReader r = tlv.reader();
        int n = r.u8();
        List<ImageId> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(ImageId.read(r));
        }
        return list;
    }

    static List<Map<String, Object>> imageFields(List<ImageId> images) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ImageId i : images) {
            out.add(i.fields());
        }
        return out;
    }
}
