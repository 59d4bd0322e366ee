package io.modemflash.qdl.firehose;

import java.io.IOException;

/** A partition named by the user that the GPTs do not hold, or hold more than once. */
public final class NoSuchPartitionException extends IOException {
    public NoSuchPartitionException(String message) {
        super(message);
    }
}
