package io.modemflash.qmi.dms;

import io.modemflash.qmi.Fields;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.QmiPayload;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.TlvWriter;
import io.modemflash.qmi.Tlvs;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** DMS Get Operating Mode (0x002D): response TLV 0x01 u8 mode (see {@link OperatingMode}). */
public final class GetOperatingMode {
    public static final int ID = 0x002D;

    private GetOperatingMode() {
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

    /** The raw mode number is kept so an unknown mode still shows up as what the modem said. */
    public record Response(int mode) implements QmiPayload {
        public Response(OperatingMode mode) {
            this(mode.code());
        }

        public Optional<OperatingMode> operatingMode() {
            return OperatingMode.fromCode(mode);
        }

        public List<Tlv> toTlvs() {
            return List.of(TlvWriter.ofU8(0x01, mode));
        }

        public Map<String, Object> fields() {
            return Fields.create().put("mode", OperatingMode.describe(mode)).build();
        }

        public static Response decode(List<Tlv> tlvs) throws QmiFormatException {
            return new Response(Tlvs.require(tlvs, 0x01, "DMS Get Operating Mode response").reader().u8());
        }
    }
}
