package io.modemflash.images;

/** How a package reaches the modem. The label is what `inspect --json` prints. */
public enum Protocol {
    /** Sierra QDL over HDLC (9X15, 9X30): one open/write/close per CWE file. */
    SIERRA_QDL("sierra-qdl"),
    /** Sahara command mode 0xFF00, then Firehose carrying whole CWE files (9X50, SDX55...). */
    SIERRA_FIREHOSE("sierra-firehose"),
    /** Sahara programmer upload, then Firehose program/erase/patch from rawprogram/patch XML. */
    QUALCOMM_EDL("qualcomm-edl"),
    /** Gobi 1000/2000 QDL: headerless amss/apps/uqcn .mbn images. */
    GOBI_QDL("gobi-qdl");

    public final String label;

    Protocol(String label) {
        this.label = label;
    }
}
