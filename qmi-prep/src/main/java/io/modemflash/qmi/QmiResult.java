package io.modemflash.qmi;

import java.util.List;
import java.util.Optional;

/** The result TLV (0x02) every response carries: u16 status (0 success, 1 failure), u16 error. */
public record QmiResult(int status, int errorCode) {
    public static final int TLV_TYPE = 0x02;
    public static final QmiResult SUCCESS = new QmiResult(0, 0);

    public static QmiResult failure(QmiProtocolError error) {
        return new QmiResult(1, error.code());
    }

    public boolean isSuccess() {
        return status == 0;
    }

    public Optional<QmiProtocolError> error() {
        return QmiProtocolError.fromCode(errorCode);
    }

    public Tlv toTlv() {
        return new TlvWriter(TLV_TYPE).u16(status).u16(errorCode).build();
    }

    public static QmiResult fromTlv(Tlv tlv) throws QmiFormatException {
        TlvReader r = tlv.reader();
        return new QmiResult(r.u16(), r.u16());
    }

    /** The result of a response's TLVs; empty when the result TLV is absent. */
    public static Optional<QmiResult> find(List<Tlv> tlvs) throws QmiFormatException {
        Optional<Tlv> t = Tlvs.find(tlvs, TLV_TYPE);
        return t.isEmpty() ? Optional.empty() : Optional.of(fromTlv(t.get()));
    }

    /** "success" or "failure: InvalidArgument (0x0030)". */
    public String describe() {
        return isSuccess() ? "success" : "failure: " + QmiProtocolError.describe(errorCode);
    }
}
