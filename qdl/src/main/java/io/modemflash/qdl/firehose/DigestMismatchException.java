package io.modemflash.qdl.firehose;

import java.io.IOException;

/**
 * The device holds other bytes than were written: its SHA-256 of a region written moments
 * ago differs from the SHA-256 of the bytes the host sent there. Not a protocol error (the
 * programmer ACKed everything): the storage does not hold what it was given.
 */
public final class DigestMismatchException extends IOException {
    private final WriteVerifier.Check check;

    public DigestMismatchException(WriteVerifier.Check check) {
        super(check.what() + " (LUN " + check.lun() + ", " + check.sectors() + " sectors at " + check.startSector()
                + ") does not hold what was written: the device's SHA-256 is " + check.device()
                + ", the package's bytes give " + check.expected()
                + "; run the same command again to rewrite it (a second mismatch points at failing flash)");
        this.check = check;
    }

    public WriteVerifier.Check check() {
        return check;
    }
}
