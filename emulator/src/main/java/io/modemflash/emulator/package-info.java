/**
 * The virtual modem: the device side of QMI and of the boot protocols (package
 * {@code boot}: EDL Sahara + Firehose, Sierra Firehose, Sierra QDL, crash dump) behind the
 * same faces a real modem has.
 *
 * <p>In-process, for unit and pipeline tests:
 * <pre>
 * try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455);
 *      QmiDevice device = QmiDevice.open(modem.transport())) {   // qmi-prep's host stack
 *     ... run host code ...
 *     assertEquals(0, modem.qmi().totalAllocatedClientIds());     // state inspection
 * }
 * </pre>
 * {@link io.modemflash.emulator.EmulatedModem#connect()} gives a raw byte stream instead
 * ({@link io.modemflash.emulator.ModemEndpoint}), for transport-level tests.
 *
 * <p>On a pty, for real clients and device discovery:
 * {@link io.modemflash.emulator.EmulatedModem#publishPty(java.nio.file.Path)} creates
 * DIR/dev/cdc-wdm0 (symlink to a raw pty slave) and DIR/sys (sysfs-shaped USB tree); the CLI
 * equivalent is {@code modemflash emulate --profile mc7455 --pty DIR}. Several modems may
 * share DIR: each gets its own USB port and the lowest free cdc-wdm/ttyUSB numbers.
 *
 * <p>Download mode, in-process: after QMI asked for it,
 * {@link io.modemflash.emulator.EmulatedModem#awaitDownloadMode(java.time.Duration)} gives the
 * host end of a qdl {@code Link}; flash lives in files (see emulator/README.md). On a pty the
 * modem re-enumerates: DIR/dev/cdc-wdm0 goes, DIR/dev/ttyUSB0 (the lowest free ttyUSBn)
 * comes, at the same USB port.
 *
 * <p>As a USB device behind a usbredir socket (a QEMU guest's usb-redir, so a real kernel binds
 * qmi_wwan and qcserial to it):
 * {@link io.modemflash.emulator.EmulatedModem#publishUsbRedir}; CLI {@code emulate --usbredir SOCK}.
 * Packages {@code usb} (descriptors), {@code usbredir} (codec and device side), {@code serial}
 * (AT and QCDM responders).
 *
 * <p>Profiles ({@link io.modemflash.emulator.Profiles}) are data; faults
 * ({@link io.modemflash.emulator.FaultPlan}) are parsed from {@code --fault} specs; what the
 * modem does is published as {@link io.modemflash.emulator.ModemEvent}s.
 */
package io.modemflash.emulator;
