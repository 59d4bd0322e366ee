package io.modemflash.qdl.download;

/** What the device was doing when the download started. */
public enum DeviceState {
    /** Sahara PBL (or Sierra 9x50 boot-and-hold) said HELLO. */
    SAHARA("sahara"),
    /** A Firehose programmer was already running (an earlier run uploaded it): Sahara skipped. */
    FIREHOSE("firehose"),
    /** Sierra QDL / Gobi QDL over HDLC: the host speaks first. */
    QDL("qdl");

    public final String label;

    DeviceState(String label) {
        this.label = label;
    }
}
