package io.modemflash.images;

/** What a file of a package is; the label is what `inspect --json` prints as "type". */
public enum ImageType {
    CWE("cwe"),
    FIREHOSE_PROGRAMMER("firehose-programmer"),
    RAWPROGRAM_XML("rawprogram-xml"),
    PATCH_XML("patch-xml"),
    RAW("raw"),
    ANDROID_SPARSE("android-sparse"),
    GOBI_AMSS("gobi-amss"),
    GOBI_APPS("gobi-apps"),
    GOBI_UQCN("gobi-uqcn");

    public final String label;

    ImageType(String label) {
        this.label = label;
    }
}
