package io.modemflash.qmi;

import java.util.List;

/** A typed request that knows its service, message id and how to decode its (successful) response. */
public interface QmiRequest<R extends QmiPayload> extends QmiPayload {
    int service();

    int messageId();

    /** Decodes the TLVs of a response whose result TLV said success. */
    R decodeResponse(List<Tlv> tlvs) throws QmiFormatException;
}
