package io.modemflash.emulator;

import io.modemflash.emulator.boot.BootSide;
import io.modemflash.emulator.boot.DownloadMode;
import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.qdl.link.Link;
import io.modemflash.emulator.qmi.QmiStream;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.function.Consumer;

/**
 * A virtual modem. In-process: {@link #connect()} gives a byte stream that behaves like an
 * open cdc-wdm port. On a pty: {@link #publishPty(Path)} serves it as DIR/dev/cdc-wdmN with a
 * sysfs-shaped tree in DIR/sys (which several modems may share), for real QMI clients
 * (qmicli, qmi-proxy) and device discovery.
 * State is shared by every face: client ids allocated on one are seen by all.
 *
 * <pre>
 * try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455);
 *      ModemEndpoint port = modem.connect()) {
 *     port.write(request);  ...  port.read(buf, 0, buf.length, 1000);
 *     assertEquals(0, modem.qmi().totalAllocatedClientIds());
 * }
 * </pre>
 */
public final class EmulatedModem implements Closeable {
    private final Profile profile;
    private final FaultPlan faults;
    private final QmiEngine qmi;
    private final List<Closeable> faces = new ArrayList<>();
    private final BootSide boot;

    private EmulatedModem(Profile profile, FaultPlan faults, Path storageDir, DownloadMode mode) throws IOException {
        this.profile = profile;
        this.faults = faults;
        this.qmi = new QmiEngine(profile, faults);
        this.boot = new BootSide(profile, qmi, faults, mode, storageDir, System.err::println);
    }

    public static EmulatedModem start(Profile profile) {
        return start(profile, FaultPlan.NONE);
    }

    /** Throws IllegalArgumentException when a fault names a message the emulator does not implement. */
    public static EmulatedModem start(Profile profile, FaultPlan faults) {
        try {
            return start(profile, faults, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the emulator's temporary storage", e);
        }
    }

    /**
     * With flash kept in storageDir (null: a temporary directory removed on close). EDL:
     * storageDir/lunN.img; Sierra: storageDir/cwe/NNN-TYPE.cwe (see emulator/README.md).
     */
    public static EmulatedModem start(Profile profile, FaultPlan faults, Path storageDir) throws IOException {
        return new EmulatedModem(profile, faults, storageDir, DownloadMode.of(profile));
    }

    /**
     * EDL parts with another storage, e.g. {@code DownloadMode.EMMC} (one LUN of 512-byte
     * sectors) instead of the default UFS ({@link DownloadMode#EDL_UFS}); ignored by Sierra profiles.
     */
    public static EmulatedModem start(Profile profile, FaultPlan faults, Path storageDir,
                                      io.modemflash.emulator.boot.BlockStorage.Geometry edlStorage) throws IOException {
        return new EmulatedModem(profile, faults, storageDir, DownloadMode.of(profile, edlStorage));
    }

    /**
     * With an explicit download personality, e.g.
     * {@code DownloadMode.of(Profiles.MC7455).keepingApplicationId(Profiles.MC7455)} for a part
     * that stays 1199:9071 in boot-and-hold (every face shows it so).
     */
    public static EmulatedModem start(Profile profile, FaultPlan faults, Path storageDir, DownloadMode downloadMode)
            throws IOException {
        return new EmulatedModem(profile, faults, storageDir, downloadMode);
    }

    /** The boot side: download personality, storage, in-process boot link. */
    public BootSide boot() {
        return boot;
    }

    /**
     * In-process face: waits until the modem enumerated in download mode and returns the host
     * end of its link (null on timeout). Run qdl's host sessions on it.
     */
    public Link awaitDownloadMode(Duration timeout) throws InterruptedException {
        return boot.awaitBootLink(timeout);
    }

    /** The host end of the current download-mode link, or null when not in download mode. */
    public Link bootLink() {
        try {
            return boot.awaitBootLink(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Waits until the modem is back in application mode after a download (false on timeout). */
    public boolean awaitApplicationMode(Duration timeout) throws InterruptedException {
        return boot.awaitApplicationMode(timeout);
    }

    /** By profile name: "mc7455", "em7565" or "edl". */
    public static EmulatedModem start(String profileName) {
        return start(Profiles.byName(profileName));
    }

    public Profile profile() {
        return profile;
    }

    public FaultPlan faults() {
        return faults;
    }

    /** The QMI side: state inspection (client ids, operating mode, firmware preference, history). */
    public QmiEngine qmi() {
        return qmi;
    }

    /** Registers a listener for what the modem does (client ids, mode changes, resets). */
    public void onEvent(Consumer<ModemEvent> listener) {
        qmi.addListener(listener);
    }

    /** A new in-memory connection, like opening the cdc-wdm node once more. */
    public ModemEndpoint connect() {
        return new ModemEndpoint(new QmiStream(qmi));
    }

    /**
     * A new in-memory connection as qmi-prep's transport: {@code QmiDevice.open(modem.transport())}
     * runs the real host stack against this modem.
     */
    public ModemTransport transport() {
        return new ModemTransport(connect(), "emulated " + profile.name());
    }

    /**
     * Publishes the modem under dir (dir/dev/cdc-wdmN + its device in dir/sys) at the first
     * free USB port; closed with the modem. Other modems may share dir.
     */
    public PtyFace publishPty(Path dir) throws IOException {
        return publishPty(dir, PtyFace.ANY_PORT);
    }

    /**
     * Publishes the modem under dir at USB port 2-{@code port} ({@link PtyFace#ANY_PORT}: the
     * first free one); FileAlreadyExistsException when another modem has that port.
     */
    public PtyFace publishPty(Path dir, int port) throws IOException {
        synchronized (faces) {
            checkNoBusFace();
            PtyFace face = PtyFace.publish(dir, this, port);
            faces.add(face);
            return face;
        }
    }

    /**
     * Publishes the modem as a USB device behind a usbredir connection (e.g. to a QEMU guest's
     * usb-redir device): connects to, or with {@code listen:} listens on, a unix socket; closed
     * with the modem. Connect mode waits up to {@code connectTimeout} for the socket.
     */
    public io.modemflash.emulator.usbredir.UsbRedirFace publishUsbRedir(
            io.modemflash.emulator.usbredir.UsbRedirAddress address, java.time.Duration connectTimeout) throws IOException {
        synchronized (faces) {
            checkNoBusFace();
            var face = io.modemflash.emulator.usbredir.UsbRedirFace.publish(this, address, connectTimeout,
                    System.err::println);
            faces.add(face);
            boot.usePort(face);
            return face;
        }
    }

    /** The boot side re-enumerates on one bus: a second bus face (pty or usbredir) would steal it. */
    private void checkNoBusFace() {
        for (Closeable c : faces) {
            if (c instanceof PtyFace f) {
                throw new IllegalStateException("this modem is already published at USB port " + f.usbPort()
                        + " under " + f.dir() + " (one bus face per modem)");
            }
            if (c instanceof io.modemflash.emulator.usbredir.UsbRedirFace f) {
                throw new IllegalStateException("this modem is already published on " + f.describe()
                        + " (one bus face per modem)");
            }
        }
    }

    /** Allocated client ids of one QMI service (e.g. QmiService.DMS). */
    public SortedSet<Integer> allocatedClientIds(int service) {
        return qmi.allocatedClientIds(service);
    }

    public int operatingMode() {
        return qmi.operatingMode();
    }

    public QmiEngine.Phase phase() {
        return qmi.phase();
    }

    /** For the boot side: leave download mode and come back as the application-mode modem. */
    public void bootToApplication() {
        qmi.bootToApplication();
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        try {
            boot.close(); // first: its worker may be serving a face's tty
        } catch (IOException e) {
            first = e;
        }
        synchronized (faces) {
            for (Closeable c : faces) {
                try {
                    c.close();
                } catch (IOException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            faces.clear();
        }
        if (first != null) {
            throw first;
        }
    }
}
