package io.modemflash.qdl;

/**
 * The port answers, but with another protocol than the one expected in download mode
 * (e.g. a DIAG port echoing "bad command"): the user picked the wrong port or the modem is
 * still in application mode. Not a protocol failure of the download itself.
 */
public class NotInDownloadModeException extends ProtocolException {
    public NotInDownloadModeException(String message) {
        super(message);
    }
}
