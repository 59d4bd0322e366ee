package io.modemflash.posix;

import java.io.IOException;

/** A failed libc call: the operation, its subject (usually a path) and errno. */
public class PosixException extends IOException {
    private final int errno;

    public PosixException(String operation, String subject, int errno) {
        super(operation + (subject == null ? "" : " " + subject) + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    public String errnoName() {
        return Errno.name(errno);
    }

    static PosixException last(String operation, String subject) {
        return new PosixException(operation, subject, com.sun.jna.Native.getLastError());
    }
}
