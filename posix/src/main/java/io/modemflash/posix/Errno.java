package io.modemflash.posix;

import java.util.Map;

/** Linux errno values the project meets, with their symbolic names. */
public final class Errno {
    private Errno() {
    }

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int EPIPE = 32;
    public static final int EPROTO = 71;
    public static final int EBADR = 53;
    public static final int EOVERFLOW = 75;
    public static final int ENOTSOCK = 88;
    public static final int EADDRINUSE = 98;
    public static final int ECONNRESET = 104;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int ESHUTDOWN = 108;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(EINTR, "EINTR"),
            Map.entry(EIO, "EIO"), Map.entry(ENXIO, "ENXIO"), Map.entry(EBADF, "EBADF"),
            Map.entry(EAGAIN, "EAGAIN"), Map.entry(ENOMEM, "ENOMEM"), Map.entry(EACCES, "EACCES"),
            Map.entry(EBUSY, "EBUSY"), Map.entry(EEXIST, "EEXIST"), Map.entry(ENODEV, "ENODEV"),
            Map.entry(ENOTDIR, "ENOTDIR"), Map.entry(EISDIR, "EISDIR"), Map.entry(EINVAL, "EINVAL"),
            Map.entry(ENOTTY, "ENOTTY"), Map.entry(EPIPE, "EPIPE"), Map.entry(EPROTO, "EPROTO"),
            Map.entry(EOVERFLOW, "EOVERFLOW"), Map.entry(EBADR, "EBADR"), Map.entry(ENOTSOCK, "ENOTSOCK"),
            Map.entry(EADDRINUSE, "EADDRINUSE"), Map.entry(ECONNRESET, "ECONNRESET"),
            Map.entry(ETIMEDOUT, "ETIMEDOUT"), Map.entry(ECONNREFUSED, "ECONNREFUSED"),
            Map.entry(ESHUTDOWN, "ESHUTDOWN"));

    /** "EBUSY", or "errno 123" for values outside the table. */
    public static String name(int errno) {
        String n = NAMES.get(errno);
        return n != null ? n : "errno " + errno;
    }

    /** libc's text for the value, e.g. "Device or resource busy". */
    public static String message(int errno) {
        // glibc >= 2.32 returns immutable per-errno strings here, so strerror is thread safe.
        var p = LibC.strerror(errno);
        return p == null ? "unknown error" : p.getString(0);
    }

    /** "EBUSY (Device or resource busy)". */
    public static String describe(int errno) {
        return name(errno) + " (" + message(errno) + ")";
    }
}
