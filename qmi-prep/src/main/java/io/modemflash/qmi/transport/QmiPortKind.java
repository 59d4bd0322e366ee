package io.modemflash.qmi.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How QMI reaches the modem through a device node, as sysfs tells it: the kernel driver of the
 * node's USB interface (qmi_wwan: QMUX; cdc_mbim: QMI tunnelled in MBIM) or the vendor GobiNet
 * driver's class (/sys/class/GobiQMI/qcqmiN). sysfs is looked up beside the node's /dev: for
 * /dev/cdc-wdm0 that is /sys; for the emulator's DIR/dev/cdc-wdm0, DIR/sys.
 */
public enum QmiPortKind {
    /** QMUX on a cdc-wdm node (qmi_wwan) or a tty. */
    QMUX("qmi_wwan"),
    /** QMI inside MBIM on a cdc-wdm node bound to cdc_mbim. */
    MBIM("cdc_mbim"),
    /** The vendor GobiNet driver's /dev/qcqmiN: one fd per service, client ids by ioctl, bare SDUs. */
    GOBINET("GobiNet"),
    /** sysfs does not say (a pty without a tree, a container without /sys). */
    UNKNOWN("?");

    private final String driver;

    QmiPortKind(String driver) {
        this.driver = driver;
    }

    public String driver() {
        return driver;
    }

    public static QmiPortKind detect(Path node) {
        Path abs = node.toAbsolutePath().normalize();
        Path name = abs.getFileName();
        Path devDir = abs.getParent();
        if (name == null || devDir == null) {
            return UNKNOWN;
        }
        Path sys = devDir.getParent() == null ? Path.of("/sys") : devDir.getParent().resolve("sys");
        String n = name.toString();
        if (Files.exists(sys.resolve("class/GobiQMI").resolve(n)) || n.startsWith("qcqmi")) {
            return GOBINET;
        }
        Path usbmisc = sys.resolve("class/usbmisc").resolve(n);
        if (Files.exists(usbmisc)) {
            try {
                String driver = Files.readSymbolicLink(usbmisc.resolve("device/driver")).getFileName().toString();
                return driver.equals(MBIM.driver) ? MBIM : QMUX;
            } catch (IOException | RuntimeException e) {
                return UNKNOWN;
            }
        }
        return n.startsWith("tty") ? QMUX : UNKNOWN;
    }
}
