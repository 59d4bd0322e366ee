package io.modemflash.qmi.dms;

import io.modemflash.qmi.Fields;
import io.modemflash.qmi.Tlv;

import java.util.List;
import java.util.Map;

/**
 * DMS Set Firmware ID (0x003E): no TLVs. Sierra boot-and-hold on older parts; newer ones
 * (EM7565) answer MissingArgument.
 */
public final class SetFirmwareId {
    public static final int ID = 0x003E;

    private SetFirmwareId() {
    }

    public record Request() implements DmsRequest<EmptyPayload> {
        public int messageId() {
            return ID;
        }

        public List<Tlv> toTlvs() {
            return List.of();
        }

        public Map<String, Object> fields() {
            return Fields.none();
        }

        public EmptyPayload decodeResponse(List<Tlv> tlvs) {
            return EmptyPayload.INSTANCE;
        }

        public static Request decode(List<Tlv> tlvs) {
            return new Request();
        }
    }
}
