package io.modemflash.qmi.info;

import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.client.DmsClient;
import io.modemflash.qmi.client.QmiDevice;
import io.modemflash.qmi.ctl.GetVersionInfo;
import io.modemflash.qmi.dms.GetIds;
import io.modemflash.qmi.dms.GetOperatingMode;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.ListStoredImages;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;

import java.util.List;

/**
 * A modem's identity and firmware as read over QMI: what `modemflash info` shows, what the
 * update pipeline probes before planning and compares after the reset.
 */
public record ModemInfo(
        List<GetVersionInfo.ServiceVersion> services,
        Answer<String> model,
        Answer<String> revision,
        Answer<GetIds.Response> ids,
        Answer<GetOperatingMode.Response> operatingMode,
        Answer<List<ImageId>> firmwarePreference,
        Answer<ListStoredImages.Response> storedImages,
        Answer<SwiGetCurrentFirmware.Response> swiCurrentFirmware) {

    /**
     * Reads everything with one DMS client. Services come from CTL Get Version Info (cheap,
     * and tells which services the modem has at all).
     */
    public static ModemInfo read(QmiDevice device, DmsClient dms) throws QmiException {
        return new ModemInfo(
                device.probeVersionInfo(),
                Answer.of(dms::getModel),
                Answer.of(dms::getRevision),
                Answer.of(dms::getIds),
                Answer.of(dms::getOperatingMode),
                Answer.of(dms::getFirmwarePreference),
                Answer.of(dms::listStoredImages),
                Answer.of(dms::swiGetCurrentFirmware));
    }
}
