package io.modemflash.qmi.prep;

/**
 * What the modem should ask to download (Sierra firmware preference). Any version may be null
 * when the family does not use a preference (then only Set Firmware ID / boot image download
 * mode are tried).
 *
 * @param downloadOverride force a download of a version the modem already stores (TLV 0x10)
 * @param storageIndex     modem storage index (TLV 0x11), null to let the modem choose
 */
public record FirmwareTarget(String firmwareVersion, String configVersion, String carrier, boolean downloadOverride,
                             Integer storageIndex) {

    public static final FirmwareTarget NONE = new FirmwareTarget(null, null, null, false, null);

    /** A preference can only be built from all three versions. */
    public boolean hasPreference() {
        return firmwareVersion != null && configVersion != null && carrier != null;
    }
}
