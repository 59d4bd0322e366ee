package io.modemflash.qmi;

import java.util.List;

/** Decodes a message's TLVs into its typed payload. */
@FunctionalInterface
public interface TlvDecoder {
    QmiPayload decode(List<Tlv> tlvs) throws QmiFormatException;
}
