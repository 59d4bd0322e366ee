package io.modemflash.emulator.boot;

import io.modemflash.emulator.Profile;

import java.util.List;

/**
 * The download-mode personality of a profile: USB identity (one interface, class ff/ff/ff,
 * bound to qcserial) and what speaks on it.
 *
 * @param product iProduct; EDL parts carry the chip serial in it ({@code QUSB_BULK_CID:0404_SN:<serial>})
 * @param serial  iSerialNumber text, null when the descriptor has none (EDL: index 0)
 */
public record DownloadMode(Kind kind, int vendorId, int productId, String manufacturer, String product,
                           String serial, BlockStorage.Geometry geometry) {

    /** Which boot protocol the personality speaks. */
    public enum Kind {
        /** Qualcomm PBL: Sahara uploads a programmer, then Firehose on eMMC/UFS. */
        EDL("qualcomm-edl"),
        /** Sierra 9x50/SDX boot-and-hold: Sahara command mode 0xFF00, built-in Firehose on NAND. */
        SIERRA_FIREHOSE("sierra-firehose"),
        /** Sierra 9x15/9x30 boot-and-hold: QDL over HDLC. */
        SIERRA_QDL("sierra-qdl"),
        /** A crashed Qualcomm part (05c6:900e): Sahara memory debug. */
        CRASH_DUMP("sahara-memory-debug");

        public final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** The EDL storage the emulator gives a generic part: UFS, 4096-byte sectors, 3 LUNs of 8 MiB. */
    public static final BlockStorage.Geometry EDL_UFS = new BlockStorage.Geometry("ufs", 4096,
            List.of(2048L, 2048L, 2048L));

    /** eMMC: 512-byte sectors, one user LUN of 16 MiB. */
    public static final BlockStorage.Geometry EMMC = new BlockStorage.Geometry("emmc", 512, List.of(32768L));

    /** The EDL storage named by configure's MemoryName ("ufs" or "emmc"). */
    public static BlockStorage.Geometry edlStorage(String memoryName) {
        return switch (memoryName.toLowerCase(java.util.Locale.ROOT)) {
            case "ufs" -> EDL_UFS;
            case "emmc" -> EMMC;
            default -> throw new IllegalArgumentException("unknown EDL storage '" + memoryName + "'; known: ufs, emmc");
        };
    }

    public String usbId() {
        return String.format("%04x:%04x", vendorId, productId);
    }

    /** What any Qualcomm-based profile shows after a crash. */
    public static final DownloadMode CRASH = new DownloadMode(Kind.CRASH_DUMP, 0x05c6, 0x900e,
            "Qualcomm CDMA Technologies MSM", "QUSB__BULK", null, null);

    /**
     * The same personality enumerating with the application-mode id instead: a Sierra part in
     * boot-and-hold that stays e.g. 1199:9071 but shows its single ff/ff/ff interface (the
     * kernel's qcserial takes it as a QDL port by the interface count, not the id). Only Sierra
     * boot-and-hold can do this; a Qualcomm PBL always is 05c6:9008.
     */
    public DownloadMode keepingApplicationId(Profile p) {
        if (kind != Kind.SIERRA_QDL && kind != Kind.SIERRA_FIREHOSE) {
            throw new IllegalArgumentException("the " + p.name() + " profile's download mode is the Qualcomm PBL ("
                    + usbId() + "): only Sierra boot-and-hold can keep the application id");
        }
        return new DownloadMode(kind, p.usb().vendorId(), p.usb().productId(), manufacturer, product, serial, geometry);
    }

    /** The personality of a built-in profile (by its name). */
    public static DownloadMode of(Profile p) {
        return of(p, EDL_UFS);
    }

    /** Same, with another EDL storage geometry (e.g. eMMC, 512-byte sectors, one LUN). */
    public static DownloadMode of(Profile p, BlockStorage.Geometry edlGeometry) {
        return switch (p.name()) {
            case "mc7455" -> new DownloadMode(Kind.SIERRA_QDL, 0x1199, 0x9070, "Sierra Wireless, Incorporated",
                    "QUSB__BULK", null, null);
            case "em7565" -> new DownloadMode(Kind.SIERRA_FIREHOSE, 0x1199, 0x9090, "Sierra Wireless, Incorporated",
                    "QUSB__BULK", null, null);
            default -> new DownloadMode(Kind.EDL, 0x05c6, 0x9008, "Qualcomm CDMA Technologies MSM",
                    "QUSB_BULK_CID:0404_SN:" + p.usb().serial(), null, edlGeometry);
        };
    }
}
