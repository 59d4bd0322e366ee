package io.modemflash.qmi.gobinet;

import io.modemflash.posix.PosixException;

import java.nio.file.Path;

/**
 * The system calls the GobiNet character device is used through (PROTOCOLS.md 8.1), below
 * the transport so that tests can put a fake driver there: open, ioctl, poll, read, write,
 * close on integer handles. The real driver's read blocks whatever O_NONBLOCK says, so
 * callers poll first; a read into a buffer smaller than the message fails with EOVERFLOW and
 * loses it. Errors are {@link PosixException}s with the errno the driver gives.
 */
public interface GobiNetIo {
    /** Allocates a client id for a service in the driver and binds it to this fd (service by value). */
    long IOCTL_QMI_GET_SERVICE_FILE = 0x8BE1;
    /** Fills a u32: (vid << 16) | pid. */
    long IOCTL_QMI_GET_DEVICE_VIDPID = 0x8BE2;
    /** Copies the 14-byte MEID (no NUL). */
    long IOCTL_QMI_GET_DEVICE_MEID = 0x8BE3;
    /** Sierra drivers only: the CTL Get Version Info TLV 0x01 value in a 512-byte buffer. */
    long IOCTL_QMI_GET_SERVICE_VERSIONS = 0x8BF3;

    int open(Path path) throws PosixException;

    /** ioctl with a plain number as the argument. */
    int ioctl(int handle, long request, long value) throws PosixException;

    /** ioctl with a buffer the driver fills (or reads). */
    int ioctl(int handle, long request, byte[] buffer) throws PosixException;

    /** True when a read would not block; false when timeoutMillis passed. Closing the handle ends it with an error. */
    boolean pollIn(int handle, long timeoutMillis) throws PosixException;

    /** One message (a QMI SDU) into buf; the number of bytes. */
    int read(int handle, byte[] buf) throws PosixException;

    /** One SDU; the driver adds the QMUX header. */
    void write(int handle, byte[] sdu) throws PosixException;

    /** Closing releases the handle's client id in the driver. Wakes a poll on it. */
    void close(int handle);
}
