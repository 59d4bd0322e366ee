package io.modemflash.emulator;

import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.dms.GetRevision;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.OperatingMode;
import io.modemflash.qmi.dms.SetBootImageDownloadMode;
import io.modemflash.qmi.dms.SetFirmwarePreference;
import io.modemflash.qmi.dms.SetOperatingMode;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Test helper: what an updater does over QMI to send a modem into download mode. */
public final class BootHost {
    private BootHost() {
    }

    /** EDL parts: Set Boot Image Download Mode, offline, reset. */
    public static void requestEdl(EmulatedModem modem) throws Exception {
        try (Host h = new Host(modem)) {
            int cid = h.allocate(QmiService.DMS);
            h.call(cid, new SetBootImageDownloadMode.Request(SetBootImageDownloadMode.BOOT_AND_RECOVERY)).checkResult();
            offlineReset(h, cid);
        }
    }

    /** Sierra parts: a firmware preference that needs a download, offline, reset. */
    public static void requestSierra(EmulatedModem modem, String fw, String config, String carrier) throws Exception {
        try (Host h = new Host(modem)) {
            int cid = h.allocate(QmiService.DMS);
            List<ImageId> pref = List.of(ImageId.of(ImageId.TYPE_MODEM, "?_?", fw + "_?"),
                    ImageId.of(ImageId.TYPE_PRI, config, fw + "_" + carrier));
            var r = h.call(cid, new SetFirmwarePreference.Request(pref));
            r.checkResult();
            assertFalse(SetFirmwarePreference.Response.decode(r.tlvs()).nothingToDownload());
            offlineReset(h, cid);
        }
    }

    private static void offlineReset(Host h, int cid) throws Exception {
        h.call(cid, new SetOperatingMode.Request(OperatingMode.OFFLINE)).checkResult();
        h.call(cid, new SetOperatingMode.Request(OperatingMode.RESET)).checkResult();
    }

    public static String revision(EmulatedModem modem) throws Exception {
        try (Host h = new Host(modem)) {
            int cid = h.allocate(QmiService.DMS);
            String rev = GetRevision.Response.decode(h.call(cid, new GetRevision.Request()).tlvs()).revision();
            h.release(QmiService.DMS, cid);
            return rev;
        }
    }
}
