package io.modemflash.images;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which download protocol a Sierra CWE product (the 4-character product field) needs.
 *
 * <pre>
 * product          chipset            protocol         example modules
 * 9X15             MDM9215/9615       sierra-qdl       MC7304, MC7354, EM7355
 * 9X30             MDM9230            sierra-qdl       MC7455, MC7430, EM7455
 * 9X50             SDX20 (9x50)       sierra-firehose  EM7565, EM7511
 * 9X55/X55/SDX5    SDX55              sierra-firehose  EM9191, EM9190
 * X65/SDX6         SDX65              sierra-firehose  EM9291
 * </pre>
 * 9X15/9X30 boot-and-hold into Sierra QDL over HDLC; 9X50 and newer switch Sahara into
 * Firehose (command 0xFF00) and take whole .cwe files as raw program data.
 */
public final class ProductProtocols {
    private static final Map<String, Protocol> TABLE = Map.of(
            "9X15", Protocol.SIERRA_QDL,
            "9X30", Protocol.SIERRA_QDL,
            "9X50", Protocol.SIERRA_FIREHOSE,
            "9X55", Protocol.SIERRA_FIREHOSE,
            "X55", Protocol.SIERRA_FIREHOSE,
            "SDX5", Protocol.SIERRA_FIREHOSE,
            "X65", Protocol.SIERRA_FIREHOSE,
            "SDX6", Protocol.SIERRA_FIREHOSE);

    private ProductProtocols() {
    }

    public static Optional<Protocol> forProduct(String product) {
        return product == null ? Optional.empty()
                : Optional.ofNullable(TABLE.get(product.trim().toUpperCase(Locale.ROOT)));
    }
}
