package io.modemflash.qdl.link;

/** The zero-length-packet rule, kept pure so it is tested without hardware. */
public final class Zlp {
    private Zlp() {
    }

    /**
     * A bulk OUT of exactly n full packets gives the target no short packet to end the
     * transfer on; an explicit zero-length packet does.
     */
    public static boolean needed(long length, int maxPacketSize, boolean enabled) {
        return enabled && length > 0 && maxPacketSize > 0 && length % maxPacketSize == 0;
    }
}
