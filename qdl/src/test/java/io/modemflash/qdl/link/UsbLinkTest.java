package io.modemflash.qdl.link;

import org.junit.jupiter.api.Test;
import org.usb4java.LibUsb;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The libusb error mapping, without hardware: each code becomes the exception type the CLI
 * turns into its own exit code. (The default branch asks native libusb for the error name,
 * so it is left to the virtual bench.)
 */
class UsbLinkTest {

    @Test
    void successCodesPass() throws IOException {
        UsbLink.check(LibUsb.SUCCESS, "claim interface 0");
        UsbLink.check(512, "write 512 bytes"); // libusb returns counts as non-negative results
    }

    @Test
    void busyIsDeviceBusyAndSaysWhoMayHoldIt() {
        var e = assertThrows(DeviceBusyException.class, () -> UsbLink.check(LibUsb.ERROR_BUSY, "claim interface 0 of 2-1.4"));
        assertTrue(e.getMessage().startsWith("device busy: cannot claim interface 0 of 2-1.4"), e.getMessage());
        assertTrue(e.getMessage().contains("ModemManager"), e.getMessage());
    }

    @Test
    void noDeviceIsDeviceGone() {
        var e = assertThrows(DeviceGoneException.class, () -> UsbLink.check(LibUsb.ERROR_NO_DEVICE, "write 1048576 bytes"));
        assertEquals("device gone: cannot write 1048576 bytes", e.getMessage());
    }

    @Test
    void timeoutIsLinkTimeout() {
        var e = assertThrows(LinkTimeoutException.class, () -> UsbLink.check(LibUsb.ERROR_TIMEOUT, "read from the device"));
        assertEquals("USB timeout: read from the device", e.getMessage());
    }

    @Test
    void accessDeniedIsAPlainIoErrorWithTheRemedy() {
        var e = assertThrows(IOException.class, () -> UsbLink.check(LibUsb.ERROR_ACCESS, "open 05c6:9008 at 2-1.4"));
        assertEquals(IOException.class, e.getClass(), "not busy, gone or timeout");
        assertTrue(e.getMessage().startsWith("permission denied: cannot open 05c6:9008 at 2-1.4"), e.getMessage());
        assertTrue(e.getMessage().contains("udev rule"), e.getMessage());
    }
}
