package io.modemflash.qmi.dms;

import io.modemflash.qmi.QmiPayload;
import io.modemflash.qmi.Tlv;

import java.util.List;
import java.util.Map;

/** Payload of messages that carry no TLVs besides the result. */
public record EmptyPayload() implements QmiPayload {
    public static final EmptyPayload INSTANCE = new EmptyPayload();

    public List<Tlv> toTlvs() {
        return List.of();
    }

    public Map<String, Object> fields() {
        return Map.of();
    }

    public static EmptyPayload decode(List<Tlv> tlvs) {
        return INSTANCE;
    }
}
