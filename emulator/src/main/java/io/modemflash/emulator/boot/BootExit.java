package io.modemflash.emulator.boot;

/** Ends a download-mode session: how the device leaves it. */
public final class BootExit extends Exception {
    /** What the modem does next. */
    public enum Outcome {
        /** Reset into application mode (Firehose power reset, QDL reset). */
        APPLICATION,
        /** Re-enumerate in download mode (power edl, an injected disconnect, the host closed the port). */
        DOWNLOAD,
        /** The emulator is shutting down. */
        STOPPED
    }

    private final Outcome outcome;

    public BootExit(Outcome outcome, String why) {
        super(why, null, false, false);
        this.outcome = outcome;
    }

    public Outcome outcome() {
        return outcome;
    }
}
