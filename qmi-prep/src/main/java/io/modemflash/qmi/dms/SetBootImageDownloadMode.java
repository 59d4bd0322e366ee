package io.modemflash.qmi.dms;

import io.modemflash.qmi.Fields;
import io.modemflash.qmi.QmiFormatException;
import io.modemflash.qmi.Tlv;
import io.modemflash.qmi.TlvWriter;
import io.modemflash.qmi.Tlvs;

import java.util.List;
import java.util.Map;

/** DMS Set Boot Image Download Mode (0x0050): request TLV 0x01 u8 (0 normal, 1 boot and recovery). */
public final class SetBootImageDownloadMode {
    public static final int ID = 0x0050;
    public static final int NORMAL = 0;
    public static final int BOOT_AND_RECOVERY = 1;

    private SetBootImageDownloadMode() {
    }

    public record Request(int mode) implements DmsRequest<EmptyPayload> {
        public int messageId() {
            return ID;
        }

        public List<Tlv> toTlvs() {
            return List.of(TlvWriter.ofU8(0x01, mode));
        }

        public Map<String, Object> fields() {
            return Fields.create().put("mode", mode == BOOT_AND_RECOVERY ? "boot-and-recovery (1)"
                    : mode == NORMAL ? "normal (0)" : String.format("0x%02X", mode)).build();
        }

        public EmptyPayload decodeResponse(List<Tlv> tlvs) {
            return EmptyPayload.INSTANCE;
        }

        public static Request decode(List<Tlv> tlvs) throws QmiFormatException {
            return new Request(Tlvs.require(tlvs, 0x01, "DMS Set Boot Image Download Mode request").reader().u8());
        }
    }
}
