package io.modemflash.posix;

import java.io.IOException;

/** The descriptor was closed (possibly by another thread, waking a blocked read). */
public class FdClosedException extends IOException {
    public FdClosedException(String what) {
        super(what + " is closed");
    }
}
