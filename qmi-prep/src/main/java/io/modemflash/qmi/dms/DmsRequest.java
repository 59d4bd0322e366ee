package io.modemflash.qmi.dms;

import io.modemflash.qmi.QmiPayload;
import io.modemflash.qmi.QmiRequest;
import io.modemflash.qmi.QmiService;

/** A request of the DMS service (0x02). */
public interface DmsRequest<R extends QmiPayload> extends QmiRequest<R> {
    @Override
    default int service() {
        return QmiService.DMS;
    }
}
