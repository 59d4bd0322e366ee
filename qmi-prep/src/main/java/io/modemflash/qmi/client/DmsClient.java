package io.modemflash.qmi.client;

import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.dms.GetFirmwarePreference;
import io.modemflash.qmi.dms.GetIds;
import io.modemflash.qmi.dms.GetModel;
import io.modemflash.qmi.dms.GetOperatingMode;
import io.modemflash.qmi.dms.GetRevision;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.ListStoredImages;
import io.modemflash.qmi.dms.OperatingMode;
import io.modemflash.qmi.dms.SetBootImageDownloadMode;
import io.modemflash.qmi.dms.SetFirmwareId;
import io.modemflash.qmi.dms.SetFirmwarePreference;
import io.modemflash.qmi.dms.SetOperatingMode;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;

import java.util.List;

/** Typed DMS (service 0x02) calls on one client id. Closing releases the id. */
public final class DmsClient implements AutoCloseable {
    private final QmiClient client;

    public DmsClient(QmiClient client) {
        this.client = client;
    }

    public QmiClient client() {
        return client;
    }

    public String getModel() throws QmiException {
        return client.request(new GetModel.Request()).model();
    }

    public String getRevision() throws QmiException {
        return client.request(new GetRevision.Request()).revision();
    }

    public GetIds.Response getIds() throws QmiException {
        return client.request(new GetIds.Request());
    }

    public GetOperatingMode.Response getOperatingMode() throws QmiException {
        return client.request(new GetOperatingMode.Request());
    }

    public void setOperatingMode(OperatingMode mode) throws QmiException {
        client.request(new SetOperatingMode.Request(mode));
    }

    public void setFirmwareId() throws QmiException {
        client.request(new SetFirmwareId.Request());
    }

    public List<ImageId> getFirmwarePreference() throws QmiException {
        return client.request(new GetFirmwarePreference.Request()).images();
    }

    /** The response lists the image types still to download; empty means the modem will not enter download mode. */
    public SetFirmwarePreference.Response setFirmwarePreference(SetFirmwarePreference.Request request)
            throws QmiException {
        return client.request(request);
    }

    public ListStoredImages.Response listStoredImages() throws QmiException {
        return client.request(new ListStoredImages.Request());
    }

    public void setBootImageDownloadMode(int mode) throws QmiException {
        client.request(new SetBootImageDownloadMode.Request(mode));
    }

    /** Sierra only; other vendors answer InvalidQmiCommand or NotSupported. */
    public SwiGetCurrentFirmware.Response swiGetCurrentFirmware() throws QmiException {
        return client.request(new SwiGetCurrentFirmware.Request());
    }

    /** See {@link QmiClient#keep()}. */
    public void keep() {
        client.keep();
    }

    @Override
    public void close() {
        client.close();
    }
}
