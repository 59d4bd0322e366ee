package io.modemflash.emulator;

import io.modemflash.qmi.QmiErrorResponseException;
import io.modemflash.qmi.QmiProtocolError;
import io.modemflash.qmi.QmiService;
import io.modemflash.qmi.client.DmsClient;
import io.modemflash.qmi.client.QmiDevice;
import io.modemflash.qmi.dms.GetIds;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** qmi-prep's host stack (QmiDevice/DmsClient) against the emulator through {@link EmulatedModem#transport()}. */
class HostStackTest {

    @Test
    void hostStackReadsTheIdentityAndLeaksNoClientId() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455);
             QmiDevice device = QmiDevice.open(modem.transport())) {
            try (DmsClient dms = device.dms()) {
                assertEquals("MC7455", dms.getModel());
                assertEquals(Profiles.MC7455.identity().revision(), dms.getRevision());
                GetIds.Response ids = dms.getIds();
                assertEquals("359072060123458", ids.imei());
                SwiGetCurrentFirmware.Response fw = dms.swiGetCurrentFirmware();
                assertEquals("GENERIC", fw.carrier());
                assertEquals(Profiles.MC7455.qmi().firmwarePreference(), dms.getFirmwarePreference());
                assertEquals(1, modem.allocatedClientIds(QmiService.DMS).size());
            }
            assertEquals(0, modem.qmi().totalAllocatedClientIds());
        }
    }

    @Test
    void injectedErrorsReachTheHostAsTypedErrorsAndGarbageIsSkipped() throws Exception {
        FaultPlan plan = FaultPlan.parse("qmi-error:dms-get-revision:Internal,qmi-garbage");
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565, plan);
             QmiDevice device = QmiDevice.open(modem.transport());
             DmsClient dms = device.dms()) {
            assertEquals("EM7565", dms.getModel());
            QmiErrorResponseException e = assertThrows(QmiErrorResponseException.class, dms::getRevision);
            assertTrue(e.getMessage().contains("Internal"), e.getMessage());
            e = assertThrows(QmiErrorResponseException.class, dms::setFirmwareId);
            assertTrue(e.getMessage().contains(QmiProtocolError.MISSING_ARGUMENT.nick()), e.getMessage());
        }
    }
}
