package io.modemflash.qmi.prep;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.ModemEvent;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.qmi.QmiErrorResponseException;
import io.modemflash.qmi.QmiException;
import io.modemflash.qmi.client.QmiDevice;
import io.modemflash.qmi.client.QmiDeviceOptions;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.OperatingMode;
import io.modemflash.qmi.dms.SetOperatingMode;
import io.modemflash.qmi.QmiMessage;
import io.modemflash.qmi.transport.QmiTransport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The prep operations against the in-process emulator (here rather than in qmi-prep: the
 * emulator depends on qmi-prep, so qmi-prep's own tests cannot use it).
 */
class DownloadModeSwitchTest {
    private static final DownloadModeSwitch.Options FAST = new DownloadModeSwitch.Options(Duration.ofMillis(500));

    /** outcome or failure, and what the modem did. */
    record Run(DownloadModeSwitch.Outcome outcome, QmiException failure, List<ModemEvent> events) {
        <T extends ModemEvent> List<T> of(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    static QmiDeviceOptions options() {
        return QmiDeviceOptions.defaults().withShutdownHook(false).withReleaseTimeout(Duration.ofMillis(300));
    }

    private static Run enter(EmulatedModem modem, FirmwareTarget target) throws Exception {
        List<ModemEvent> events = new CopyOnWriteArrayList<>();
        modem.onEvent(events::add);
        try (QmiDevice dev = QmiDevice.open(modem.transport(), options())) {
            try {
                return new Run(DownloadModeSwitch.enter(dev.dms(), target, FAST, s -> { }), null, events);
            } catch (QmiException e) {
                return new Run(null, e, events);
            }
        }
    }

    private static final FirmwareTarget MC7455_PACKAGE =
            new FirmwareTarget("02.38.00.00", "002.079_000", "GENERIC", false, null);

    @Test
    void sierraFirmwarePreferenceThenOfflineThenResetAndTheClientIsKept() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            Run r = enter(modem, MC7455_PACKAGE);
            assertNull(r.failure());
            assertEquals(PrepMethod.FIRMWARE_PREFERENCE, r.outcome().method());
            assertEquals(List.of(ImageId.TYPE_MODEM, ImageId.TYPE_PRI), r.outcome().toDownload());
            assertTrue(r.outcome().resetAnswered());
            assertEquals(QmiEngine.Phase.DOWNLOAD, modem.phase());
            ModemEvent.FirmwarePreferenceSet pref = r.of(ModemEvent.FirmwarePreferenceSet.class).get(0);
            assertEquals("02.38.00.00_GENERIC", pref.images().get(1).buildId());
            assertFalse(pref.override());
            assertNull(pref.modemStorageIndex());
            assertEquals(List.of(new ModemEvent.OperatingModeChanged(0, OperatingMode.OFFLINE.code()),
                    new ModemEvent.OperatingModeChanged(OperatingMode.OFFLINE.code(), OperatingMode.RESET.code())),
                    r.of(ModemEvent.OperatingModeChanged.class));
            assertEquals(List.of(new ModemEvent.ResetRequested(true, "firmware preference needs modem+pri")),
                    r.of(ModemEvent.ResetRequested.class));
            // kept: no release went out after the reset (the modem would never answer it)
            assertEquals(List.of(), r.of(ModemEvent.ClientIdReleased.class));
        }
    }

    @Test
    void alreadyStoredFirmwareFailsClearlyAndResetsNothing() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            Run r = enter(modem, new FirmwareTarget("02.33.03.00", "002.072_000", "GENERIC", false, null));
            NothingToDownloadException e = assertInstanceOf(NothingToDownloadException.class, r.failure());
            assertTrue(e.getMessage().contains("--override-download"), e.getMessage());
            assertEquals(QmiEngine.Phase.APPLICATION, modem.phase());
            assertEquals(OperatingMode.ONLINE.code(), modem.operatingMode());
            assertEquals(List.of(), r.of(ModemEvent.ResetRequested.class));
            assertEquals(0, modem.qmi().totalAllocatedClientIds(), "the client was released normally");
        }
    }

    @Test
    void overrideAndStorageIndexDownloadAStoredVersionAgain() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            Run r = enter(modem, new FirmwareTarget("02.33.03.00", "002.072_000", "GENERIC", true, 2));
            assertNull(r.failure());
            ModemEvent.FirmwarePreferenceSet pref = r.of(ModemEvent.FirmwarePreferenceSet.class).get(0);
            assertTrue(pref.override());
            assertEquals(2, pref.modemStorageIndex());
            assertEquals(List.of(ImageId.TYPE_MODEM, ImageId.TYPE_PRI), r.outcome().toDownload());
            assertEquals(QmiEngine.Phase.DOWNLOAD, modem.phase());
        }
    }

    @Test
    void withoutVersionsOldSierraWayIsSetFirmwareId() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            Run r = enter(modem, FirmwareTarget.NONE);
            assertEquals(PrepMethod.FIRMWARE_ID, r.outcome().method());
            assertEquals(1, r.of(ModemEvent.FirmwareIdSet.class).size());
            assertEquals(QmiEngine.Phase.DOWNLOAD, modem.phase());
        }
    }

    @Test
    void em7565RefusesSetFirmwareIdSoBootImageDownloadModeIsUsed() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EM7565)) {
            Run r = enter(modem, FirmwareTarget.NONE);
            assertEquals(PrepMethod.BOOT_IMAGE_DOWNLOAD_MODE, r.outcome().method());
            assertTrue(r.outcome().notes().get(0).startsWith("Set Firmware ID"), r.outcome().notes().toString());
            assertEquals(List.of(new ModemEvent.BootImageDownloadModeSet(1)),
                    r.of(ModemEvent.BootImageDownloadModeSet.class));
            assertEquals(QmiEngine.Phase.DOWNLOAD, modem.phase());
        }
    }

    @Test
    void genericQualcommPartWithAPreferenceTargetFallsBackToBootImageDownloadMode() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL)) {
            Run r = enter(modem, MC7455_PACKAGE);
            assertEquals(PrepMethod.BOOT_IMAGE_DOWNLOAD_MODE, r.outcome().method(), r.outcome().notes().toString());
            assertEquals(2, r.outcome().notes().size(), r.outcome().notes().toString());
            assertEquals(QmiEngine.Phase.DOWNLOAD, modem.phase());
        }
    }

    @Test
    void everyWayRefusedNamesEachRefusal() throws Exception {
        Profile p = Profiles.EDL;
        try (EmulatedModem modem = EmulatedModem.start(p,
                FaultPlan.parse(List.of("qmi-error:dms-set-boot-image-download-mode:NotSupported")))) {
            Run r = enter(modem, FirmwareTarget.NONE);
            NoDownloadMethodException e = assertInstanceOf(NoDownloadMethodException.class, r.failure());
            assertTrue(e.getMessage().contains("Set Firmware ID") && e.getMessage().contains("Boot Image"),
                    e.getMessage());
            assertEquals(QmiEngine.Phase.APPLICATION, modem.phase());
        }
    }

    @Test
    void aPreferenceErrorOtherThanUnsupportedIsNotHidden() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455,
                FaultPlan.parse(List.of("qmi-error:dms-set-firmware-preference:Internal")))) {
            Run r = enter(modem, MC7455_PACKAGE);
            assertInstanceOf(QmiErrorResponseException.class, r.failure());
            assertEquals(QmiEngine.Phase.APPLICATION, modem.phase());
        }
    }

    /** Loses the modem's answer to the reset, as when it drops off the bus before answering. */
    static final class LoseResetAnswer implements QmiTransport {
        private final QmiTransport inner;
        private volatile boolean resetSent;

        LoseResetAnswer(QmiTransport inner) {
            this.inner = inner;
        }

        public void send(byte[] frame) throws java.io.IOException {
            try {
                QmiMessage m = QmiMessage.decode(frame);
                if (m.messageId() == SetOperatingMode.ID && m.tlv(1).map(t -> t.value()[0] == 4).orElse(false)) {
                    resetSent = true;
                }
            } catch (io.modemflash.qmi.QmiFormatException e) {
                throw new java.io.IOException(e);
            }
            inner.send(frame);
        }

        public byte[] receive(long timeoutMillis) throws java.io.IOException {
            byte[] f = inner.receive(timeoutMillis);
            return resetSent ? null : f;
        }

        public String name() {
            return inner.name();
        }

        public void close() {
            inner.close();
        }
    }

    @Test
    void aResetThatIsNeverAnsweredIsAProbableSuccess() throws Exception {
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455)) {
            try (QmiDevice dev = QmiDevice.open(new LoseResetAnswer(modem.transport()), options())) {
                DownloadModeSwitch.Outcome o = DownloadModeSwitch.enter(dev.dms(), MC7455_PACKAGE, FAST, s -> { });
                assertFalse(o.resetAnswered());
                assertEquals(PrepMethod.FIRMWARE_PREFERENCE, o.method());
            }
            assertEquals(QmiEngine.Phase.DOWNLOAD, modem.phase());
        }
    }
}
