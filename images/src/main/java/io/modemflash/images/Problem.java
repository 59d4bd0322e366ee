package io.modemflash.images;

/**
 * One finding of an inspection. ERROR makes the package unflashable; WARNING is shown
 * to the technician but does not stop an update.
 */
public record Problem(Severity severity, BadPackageException.Reason reason, String where, String message) {

    public enum Severity { WARNING, ERROR }

    public static Problem error(BadPackageException.Reason reason, String where, String message) {
        return new Problem(Severity.ERROR, reason, where, message);
    }

    public static Problem warning(BadPackageException.Reason reason, String where, String message) {
        return new Problem(Severity.WARNING, reason, where, message);
    }

    public static Problem of(BadPackageException e) {
        return new Problem(Severity.ERROR, e.reason(), e.where(), stripWhere(e));
    }

    private static String stripWhere(BadPackageException e) {
        String m = e.getMessage();
        String prefix = e.where() == null ? "" : e.where() + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    /** One line: "where: message". */
    public String line() {
        return where == null || where.isEmpty() ? message : where + ": " + message;
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }
}
