package io.modemflash.qmi;

/**
 * Request, response or indication. The SDU flag values differ between CTL (00/01/02) and
 * every other service (00/02/04).
 */
public enum MessageKind {
    REQUEST(0x00, 0x00),
    RESPONSE(0x01, 0x02),
    INDICATION(0x02, 0x04);

    private final int ctlFlag;
    private final int serviceFlag;

    MessageKind(int ctlFlag, int serviceFlag) {
        this.ctlFlag = ctlFlag;
        this.serviceFlag = serviceFlag;
    }

    public int flag(int service) {
        return service == QmiService.CTL ? ctlFlag : serviceFlag;
    }

    public static MessageKind fromFlag(int service, int flag) throws QmiFormatException {
        for (MessageKind k : values()) {
            if (k.flag(service) == flag) {
                return k;
            }
        }
        throw new QmiFormatException(String.format("unknown QMI SDU flags 0x%02X for service %s",
                flag, QmiService.name(service)));
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
