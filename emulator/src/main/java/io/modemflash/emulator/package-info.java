/**
 * The virtual modem: the device side of QMI (and, later, of the boot protocols) behind the
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
 * equivalent is {@code modemflash emulate --profile mc7455 --pty DIR}.
 *
 * <p>Profiles ({@link io.modemflash.emulator.Profiles}) are data; faults
 * ({@link io.modemflash.emulator.FaultPlan}) are parsed from {@code --fault} specs; what the
 * modem does is published as {@link io.modemflash.emulator.ModemEvent}s.
 */
package io.modemflash.emulator;
