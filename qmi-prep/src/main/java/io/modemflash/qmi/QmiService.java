package io.modemflash.qmi;

import java.util.Map;

/** QMI service numbers (QMUX service byte) and their short names. */
public final class QmiService {
    public static final int CTL = 0x00;
    public static final int WDS = 0x01;
    public static final int DMS = 0x02;
    public static final int NAS = 0x03;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0x00, "CTL"), Map.entry(0x01, "WDS"), Map.entry(0x02, "DMS"), Map.entry(0x03, "NAS"),
            Map.entry(0x04, "QOS"), Map.entry(0x05, "WMS"), Map.entry(0x06, "PDS"), Map.entry(0x07, "AUTH"),
            Map.entry(0x08, "AT"), Map.entry(0x09, "VOICE"), Map.entry(0x0A, "CAT2"), Map.entry(0x0B, "UIM"),
            Map.entry(0x0C, "PBM"), Map.entry(0x10, "LOC"), Map.entry(0x11, "SAR"), Map.entry(0x1A, "WDA"),
            Map.entry(0x24, "PDC"), Map.entry(0xE0, "CAT"), Map.entry(0xE1, "RMS"), Map.entry(0xE2, "OMA"));

    private QmiService() {
    }

    /** "DMS", or "0x42" for a service we have no name for. */
    public static String name(int service) {
        String n = NAMES.get(service);
        return n != null ? n : "0x" + Hex.u8(service);
    }
}
