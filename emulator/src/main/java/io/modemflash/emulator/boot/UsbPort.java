package io.modemflash.emulator.boot;

import io.modemflash.qdl.link.Link;

import java.io.IOException;

/**
 * How the modem shows up on a bus: the in-process face hands out in-memory links, the pty
 * face rewrites its sysfs tree and /dev nodes. Called by {@link BootSide} in the order a
 * kernel sees a re-enumeration: the old device leaves, a gap, the new one appears.
 */
public interface UsbPort {
    /** The application-mode device leaves (QMI node and sysfs entries go). */
    void detachApplication() throws IOException;

    /** The download personality appears; returns the device end of its only interface. */
    Link attachDownload(DownloadMode mode) throws IOException;

    /** The download personality leaves. */
    void detachDownload() throws IOException;

    /** The application-mode device appears again. */
    void attachApplication() throws IOException;

    /** True when each read returns at most one host transfer (USB); false for a tty byte stream. */
    default boolean keepsTransferBoundaries() {
        return true;
    }

    /**
     * True when the device sees the host's data as USB packets, a transfer ending at a short
     * packet (or ZLP), not at the host's write boundaries (the usbredir face: a real host's
     * URBs in the middle of one device transfer, as on hardware). A target then reads raw data
     * in pieces of its own receive buffer size, as real programmers do.
     */
    default boolean deviceSeesPackets() {
        return false;
    }

    /** An injected disconnect is about to drop the download link (the in-process face forgets its host end first). */
    default void unplugging() {
    }
}
