package io.modemflash.qmi.prep;

import io.modemflash.qmi.QmiException;

/**
 * The modem accepted the firmware preference but lists nothing to download: it already stores
 * those images and would reboot into them instead of download mode (the most common field
 * failure, seen later as "unsupported download protocol"). Nothing was reset.
 */
public final class NothingToDownloadException extends QmiException {
    public NothingToDownloadException(String firmware, String config, String carrier) {
        super("the modem already stores firmware " + firmware + " / config " + config + " / carrier " + carrier
                + " and would reboot into it instead of download mode; nothing was reset."
                + " Use --override-download to download it again");
    }
}
