package io.modemflash.qmi.mbim;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An MBIM service UUID. On the wire its 16 bytes come in the order the usual string form
 * lists them (PROTOCOLS.md 8.2): no byte swapping of the first groups as in Microsoft GUIDs.
 */
public record MbimUuid(String label, byte[] bytes) {
    /** MBIM Basic Connect: device caps, subscriber ready status, radio state, device services... */
    public static final MbimUuid BASIC_CONNECT = of("Basic Connect", "a289cc33-bcbb-8b4f-b6b0-133ec2aae6df");
    /** QMI tunnelled over MBIM (CID 1 = a whole QMUX message). */
    public static final MbimUuid QMI = of("QMI", "d1a30bc2-f97a-6e43-bf65-c7e24fb0f0d3");
    /** libmbim's mbim-proxy: CID 1 = configuration (device path + timeout). */
    public static final MbimUuid PROXY_CONTROL = of("Proxy Control", "838cf7fb-8d0d-4d7f-871e-d71dbefbb39b");

    public MbimUuid {
        if (bytes.length != 16) {
            throw new IllegalArgumentException("an MBIM UUID has 16 bytes, not " + bytes.length);
        }
        bytes = bytes.clone();
    }

    public static MbimUuid of(String label, String uuid) {
        return new MbimUuid(label, HexFormat.of().parseHex(uuid.replace("-", "")));
    }

    static MbimUuid read(ByteBuffer b) {
        byte[] u = new byte[16];
        b.get(u);
        for (MbimUuid known : new MbimUuid[] {BASIC_CONNECT, QMI, PROXY_CONTROL}) {
            if (Arrays.equals(known.bytes, u)) {
                return known;
            }
        }
        return new MbimUuid(text(u), u);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    private static String text(byte[] u) {
        String h = HexFormat.of().formatHex(u);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20);
    }

    /** Equal by bytes; the label is only for messages. */
    @Override
    public boolean equals(Object o) {
        return o instanceof MbimUuid u && Arrays.equals(u.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return label + " (" + text(bytes) + ")";
    }
}
