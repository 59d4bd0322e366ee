package io.modemflash.qdl.link;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which USB devices are modems in a download mode, and how to name them. Pure rules (no
 * libusb) so that the matching is unit-tested and shared with sysfs-based discovery.
 */
public final class DownloadModeDevices {
    private DownloadModeDevices() {
    }

    /** The boot protocol a download-mode identity speaks. */
    public enum BootProtocol {
        /** Qualcomm PBL: Sahara, then a signed Firehose programmer. */
        SAHARA,
        /** Sahara memory debug (crash dump). */
        SAHARA_MEMORY_DEBUG,
        /** Sierra 9x15/9x30 boot-and-hold: Sierra QDL over HDLC. */
        SIERRA_QDL,
        /** Sierra 9x50/SDX boot-and-hold: Sahara command mode, then the built-in Firehose. */
        SIERRA_SAHARA_FIREHOSE
    }

    /** A known download-mode identity. */
    public record KnownId(int vendorId, int productId, BootProtocol protocol, String what) {
    }

    public static final int QUALCOMM_VID = 0x05c6;
    public static final int SIERRA_VID = 0x1199;

    private static final Map<Integer, KnownId> KNOWN = Map.ofEntries(
            entry(0x05c6, 0x9008, BootProtocol.SAHARA, "Qualcomm EDL (QDLoader)"),
            entry(0x05c6, 0x900e, BootProtocol.SAHARA_MEMORY_DEBUG, "Qualcomm crash dump"),
            entry(0x1199, 0x9070, BootProtocol.SIERRA_QDL, "Sierra 9x15/9x30 boot-and-hold"),
            entry(0x1199, 0x907a, BootProtocol.SIERRA_QDL, "Sierra 9x15/9x30 boot-and-hold"),
            entry(0x1199, 0x9062, BootProtocol.SIERRA_QDL, "Sierra 9x15/9x30 boot-and-hold"),
            entry(0x1199, 0x9090, BootProtocol.SIERRA_SAHARA_FIREHOSE, "Sierra EM7565 boot-and-hold"),
            entry(0x1199, 0x90d2, BootProtocol.SIERRA_SAHARA_FIREHOSE, "Sierra EM9191 boot-and-hold"),
            entry(0x1199, 0x90e4, BootProtocol.SIERRA_SAHARA_FIREHOSE, "Sierra SDX boot-and-hold"),
            entry(0x1199, 0xc080, BootProtocol.SIERRA_SAHARA_FIREHOSE, "Sierra SDX boot-and-hold"));

    /** Interface protocols linux-msm/qdl accepts on a vendor-specific ff/ff interface. */
    private static final Set<Integer> QCOM_BOOT_INTERFACE_PROTOCOLS = Set.of(0xff, 0x10, 0x11, 0x13);

    private static Map.Entry<Integer, KnownId> entry(int vid, int pid, BootProtocol p, String what) {
        return Map.entry(key(vid, pid), new KnownId(vid, pid, p, what));
    }

    private static int key(int vid, int pid) {
        return (vid & 0xffff) << 16 | (pid & 0xffff);
    }

    /** The interface triple that matters for matching. */
    public record InterfaceClass(int number, int interfaceClass, int subClass, int protocol) {
    }

    /** Every known download-mode identity (the udev rule the packages ship covers each). */
    public static java.util.Collection<KnownId> knownIds() {
        return KNOWN.values();
    }

    public static Optional<KnownId> known(int vendorId, int productId) {
        return Optional.ofNullable(KNOWN.get(key(vendorId, productId)));
    }

    /**
     * The interface of a device that a download-mode session should claim, if any: a known
     * identity's first vendor-specific interface (or its only interface); for any other
     * Qualcomm device, an ff/ff interface with protocol ff, 10, 11 or 13 (linux-msm/qdl's rule);
     * for a Sierra device, its only interface when that is ff/ff/ff. Sierra parts in
     * boot-and-hold may keep their application id (an MC7455 stays 1199:9071, an EM7455 was seen
     * as 1199:9078): what they are, one vendor-specific interface, says download mode, not the id.
     */
    public static Optional<InterfaceClass> bootInterface(int vendorId, int productId, List<InterfaceClass> interfaces) {
        boolean knownId = known(vendorId, productId).isPresent();
        for (InterfaceClass i : interfaces) {
            boolean vendorSpecific = i.interfaceClass() == 0xff && i.subClass() == 0xff;
            if (vendorSpecific && (knownId || (vendorId & 0xffff) == QUALCOMM_VID
                    && QCOM_BOOT_INTERFACE_PROTOCOLS.contains(i.protocol()))) {
                return Optional.of(i);
            }
        }
        if (interfaces.size() == 1) {
            InterfaceClass only = interfaces.get(0);
            boolean allFf = only.interfaceClass() == 0xff && only.subClass() == 0xff && only.protocol() == 0xff;
            if (knownId || (vendorId & 0xffff) == SIERRA_VID && allFf) {
                return Optional.of(only);
            }
        }
        return Optional.empty();
    }

    /** The protocol to speak: from the known table, else Sahara (generic Qualcomm boot ROM). */
    public static BootProtocol protocolOf(int vendorId, int productId) {
        return known(vendorId, productId).map(KnownId::protocol).orElse(BootProtocol.SAHARA);
    }

    /**
     * The protocol a download-mode device's id suggests, or empty when the id says nothing (a
     * Sierra part in boot-and-hold on its application id): then the first bytes it sends tell
     * (a Sahara HELLO, or silence until a QDL hello).
     */
    public static Optional<BootProtocol> protocolHint(int vendorId, int productId) {
        if (known(vendorId, productId).isPresent() || (vendorId & 0xffff) == QUALCOMM_VID) {
            return Optional.of(protocolOf(vendorId, productId));
        }
        return Optional.empty();
    }

    /** Port path as sysfs names it: bus, dash, port chain joined by dots ("2-1.4"). */
    public static String portPath(int bus, int[] portNumbers) {
        StringBuilder sb = new StringBuilder().append(bus);
        if (portNumbers.length == 0) {
            return sb.append("-0").toString(); // a root hub has no port chain
        }
        for (int i = 0; i < portNumbers.length; i++) {
            sb.append(i == 0 ? '-' : '.').append(portNumbers[i]);
        }
        return sb.toString();
    }

    /**
     * The chip serial a 9008 carries in iProduct ("QUSB_BULK_CID:0404_SN:5A1EE025" ->
     * "5A1EE025"): iSerialNumber is 0 on these devices.
     */
    public static Optional<String> serialFromProduct(String product) {
        if (product == null) {
            return Optional.empty();
        }
        int i = product.indexOf("_SN:");
        if (i < 0) {
            return Optional.empty();
        }
        int start = i + 4;
        int end = start;
        while (end < product.length() && Character.isLetterOrDigit(product.charAt(end))) {
            end++;
        }
        return end > start ? Optional.of(product.substring(start, end)) : Optional.empty();
    }

    /** Does a candidate satisfy the user's selection (null fields select anything)? */
    public static boolean selected(String wantedPortPath, String wantedSerial, String portPath, String serial) {
        if (wantedPortPath != null && !wantedPortPath.equals(portPath)) {
            return false;
        }
        return wantedSerial == null || wantedSerial.equalsIgnoreCase(serial);
    }

    /**
     * Sizes of the bulk OUT transfers that carry one logical write: chunks of at most
     * {@code maxChunk}, then a 0 (an explicit ZLP) when the ZLP rule asks for one.
     */
    public static int[] transferPlan(int length, int maxChunk, int maxPacketSize, boolean zlp) {
        if (maxChunk <= 0) {
            throw new IllegalArgumentException("maxChunk must be positive");
        }
        int chunks = length == 0 ? 0 : (int) ((length + (long) maxChunk - 1) / maxChunk);
        boolean tail = Zlp.needed(length, maxPacketSize, zlp);
        int[] plan = new int[chunks + (tail ? 1 : 0)];
        for (int i = 0; i < chunks; i++) {
            plan[i] = Math.min(maxChunk, length - i * maxChunk);
        }
        return plan;
    }
}
