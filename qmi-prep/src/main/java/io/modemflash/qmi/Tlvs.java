package io.modemflash.qmi;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Lookups in a message's TLV list. The first TLV of a type wins, as in libqmi. */
public final class Tlvs {
    private Tlvs() {
    }

    public static Optional<Tlv> find(List<Tlv> tlvs, int type) {
        for (Tlv t : tlvs) {
            if (t.type() == type) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public static Tlv require(List<Tlv> tlvs, int type, String what) throws QmiFormatException {
        return find(tlvs, type).orElseThrow(() -> new QmiFormatException(
                String.format("%s: mandatory TLV 0x%02X missing", what, type)));
    }

    /** Optional whole-TLV string (NUL/TAB stripped), or null when absent. */
    public static String optionalString(List<Tlv> tlvs, int type) {
        return find(tlvs, type).map(t -> TlvReader.decodeString(t.value())).orElse(null);
    }

    public static String requireString(List<Tlv> tlvs, int type, String what) throws QmiFormatException {
        return TlvReader.decodeString(require(tlvs, type, what).value());
    }

    /** Appends a string TLV when the value is non-null; used by encoders of optional fields. */
    public static void addString(List<Tlv> out, int type, String value) {
        if (value != null) {
            out.add(TlvWriter.ofString(type, value));
        }
    }

    public static List<Tlv> list(Tlv... tlvs) {
        return new ArrayList<>(List.of(tlvs));
    }
}
