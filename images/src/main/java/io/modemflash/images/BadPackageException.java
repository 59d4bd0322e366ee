package io.modemflash.images;

import java.io.IOException;
import java.util.List;

/**
 * A package that must not be flashed: corrupt, hostile, incomplete or inconsistent.
 * The message is one line a technician understands and names the file or archive entry.
 */
public final class BadPackageException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final String where;
    private final transient List<Problem> problems;

    public BadPackageException(Reason reason, String where, String message) {
        this(reason, where, message, List.of(), null);
    }

    public BadPackageException(Reason reason, String where, String message, Throwable cause) {
        this(reason, where, message, List.of(), cause);
    }

    public BadPackageException(Reason reason, String where, String message, List<Problem> problems, Throwable cause) {
        super(oneLine(where == null || where.isEmpty() ? message : where + ": " + message), cause);
        this.reason = reason;
        this.where = where;
        this.problems = List.copyOf(problems);
    }

    /**
     * The message as one printable line: archive member names are the package author's bytes and
     * may hold newlines or terminal escapes, which must neither split a log line nor drive the
     * technician's terminal. Control characters become {@code \n}, {@code \t}, {@code \xNN}.
     */
    static String oneLine(String text) {
        if (text == null || text.chars().noneMatch(c -> c < 0x20 || c == 0x7f)) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    public Reason reason() {
        return reason;
    }

    /** The file or archive entry concerned (package-relative), or null for the package as a whole. */
    public String where() {
        return where;
    }

    /** Every problem found before giving up (may be empty when the first one stopped the inspection). */
    public List<Problem> problems() {
        return problems;
    }

    /** Why a package was refused. Codes are stable (tests and JSON output use the names). */
    public enum Reason {
        NOT_FOUND(1, "not-found"),
        UNKNOWN_KIND(2, "unknown-kind"),
        UNSAFE_PATH(3, "unsafe-path"),
        LINK_OUTSIDE(4, "link-outside"),
        TOO_LARGE(5, "too-large"),
        TOO_MANY_ENTRIES(6, "too-many-entries"),
        TRUNCATED(7, "truncated"),
        BAD_HEADER(8, "bad-header"),
        SIZE_MISMATCH(9, "size-mismatch"),
        OVERRUN(10, "overrun"),
        CRC_MISMATCH(11, "crc-mismatch"),
        XML_FORBIDDEN(12, "xml-forbidden"),
        XML_INVALID(13, "xml-invalid"),
        MISSING_FILE(14, "missing-file"),
        VERSION_MISMATCH(15, "version-mismatch"),
        UNSUPPORTED(16, "unsupported"),
        INCOMPLETE(17, "incomplete"),
        /** The package could not be written to the temporary directory (disk full, file system limits). */
        CANNOT_EXTRACT(18, "cannot-extract"),
        /** A file of the package could not be read (permissions, I/O error, removed while being read). */
        UNREADABLE(19, "unreadable");

        public final int code;
        public final String label;

        Reason(int code, String label) {
            this.code = code;
            this.label = label;
        }
    }
}
