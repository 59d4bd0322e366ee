package io.modemflash.posix;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * ioctl(2) on a {@link PosixFd}: with a buffer (the kernel reads or fills it) or with a plain
 * number passed by value (GobiNet's client-id ioctl takes the service that way). Errors are
 * {@link PosixException}s naming the request and errno.
 */
public final class Ioctl {
    private Ioctl() {
    }

    /** Direct-mapped, separate from {@link LibC} so that its owner's file stays as it is. */
    private static final class Native0 {
        static {
            Native.register(Native0.class, "c");
        }

        static native int ioctl(int fd, NativeLong request, Pointer arg);
    }

    /** ioctl(fd, request, buf): returns ioctl's non-negative result. */
    public static int withBuffer(PosixFd fd, long request, Memory buf) throws PosixException {
        return call(fd, request, buf);
    }

    /** ioctl(fd, request, value) with the value itself as the argument. */
    public static int withValue(PosixFd fd, long request, long value) throws PosixException {
        return call(fd, request, value == 0 ? Pointer.NULL : new Pointer(value));
    }

    private static int call(PosixFd fd, long request, Pointer arg) throws PosixException {
        int r = Native0.ioctl(fd.fd(), new NativeLong(request), arg);
        if (r < 0) {
            throw new PosixException("ioctl 0x" + Long.toHexString(request), fd.name(), Native.getLastError());
        }
        return r;
    }
}
