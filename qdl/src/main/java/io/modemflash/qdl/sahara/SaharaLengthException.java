package io.modemflash.qdl.sahara;

/** A Sahara packet whose length field or byte count does not match its command's fixed size. */
public class SaharaLengthException extends SaharaPacketException {
    public SaharaLengthException(String message) {
        super(message);
    }
}
