package io.modemflash.updater.pipeline;

import io.modemflash.images.Protocol;
import io.modemflash.updater.discovery.SystemRoots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Which link a download-mode device with a boot tty gets. Measured on the virtual bench
 * (scenario 07-tty-echo, a real usb-serial tty): a device that sends on open had its first
 * bytes echoed in 2-7 of 10 first opens whether raw mode was set after the open or by the very
 * next system call, and the kernel resets a minor's termios when a re-enumerated device takes
 * it; so devices that speak first are claimed over USB, where no line discipline sits.
 */
class LinkChoiceTest {
    @TempDir
    Path tree;

    @Test
    void devicesThatSpeakFirstAreClaimedOverUsbOnTheRealSysfs() {
        SystemRoots real = SystemRoots.system();
        assertTrue(real.isSystem());
        assertTrue(DownloadLinks.claimOverUsb(Protocol.SIERRA_FIREHOSE, real), "Sahara HELLO on the first IN");
        assertTrue(DownloadLinks.claimOverUsb(Protocol.QUALCOMM_EDL, real), "Sahara HELLO on the first IN");
    }

    @Test
    void qdlDevicesWaitForTheHostAndKeepTheirTty() {
        assertFalse(DownloadLinks.claimOverUsb(Protocol.SIERRA_QDL, SystemRoots.system()));
        assertFalse(DownloadLinks.claimOverUsb(Protocol.GOBI_QDL, SystemRoots.system()));
    }

    @Test
    void anEmulatorsTreeNamesNoRealUsbPort() {
        SystemRoots emulated = SystemRoots.of(tree, tree);
        assertFalse(emulated.isSystem());
        assertFalse(DownloadLinks.claimOverUsb(Protocol.SIERRA_FIREHOSE, emulated));
    }
}
