package io.modemflash.images;

/** The three package families, detected from their contents. */
public enum PackageKind {
    SIERRA_CWE("sierra-cwe"),
    QUALCOMM_FLAT("qualcomm-flat"),
    GOBI("gobi");

    public final String label;

    PackageKind(String label) {
        this.label = label;
    }
}
