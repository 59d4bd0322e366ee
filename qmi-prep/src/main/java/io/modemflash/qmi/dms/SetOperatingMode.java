package io.modemflash.qmi.dms;

import io.modemflash.qmi.Fields;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.TlvWriter;
import io.modemflash.qmi.Tlvs;

import java.util.List;
import java.util.Map;

/** DMS Set Operating Mode (0x002E): request TLV 0x01 u8 mode; response is the result only. */
public final class SetOperatingMode {
    public static final int ID = 0x002E;

    private SetOperatingMode() {
    }

    public record Request(int mode) implements DmsRequest<EmptyPayload> {
        public Request(OperatingMode mode) {
            this(mode.code());
        }

        public int messageId() {
            return ID;
        }

        public List<Tlv> toTlvs() {
            return List.of(TlvWriter.ofU8(0x01, mode));
        }

        public Map<String, Object> fields() {
            return Fields.create().put("mode", OperatingMode.describe(mode)).build();
        }

        public EmptyPayload decodeResponse(List<Tlv> tlvs) {
            return EmptyPayload.INSTANCE;
        }

        public static Request decode(List<Tlv> tlvs) throws QmiFormatException {
            return new Request(Tlvs.require(tlvs, 0x01, "DMS Set Operating Mode request").reader().u8());
        }
    }
}
