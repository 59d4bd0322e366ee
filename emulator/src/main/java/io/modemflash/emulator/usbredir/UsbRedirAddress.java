package io.modemflash.emulator.usbredir;

import java.nio.file.Path;

/**
 * Where the usbredir face meets its guest: {@code PATH} connects to a unix socket someone else
 * listens on (QEMU's {@code -chardev socket,path=PATH,server=on,wait=off}); {@code listen:PATH}
 * listens on PATH and serves whoever connects (QEMU with {@code server=off}, or a test host).
 */
public record UsbRedirAddress(boolean listen, Path path) {
    public static final String LISTEN_PREFIX = "listen:";

    public static UsbRedirAddress parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--usbredir needs a socket path (or listen:PATH)");
        }
        boolean listen = spec.startsWith(LISTEN_PREFIX);
        String p = listen ? spec.substring(LISTEN_PREFIX.length()) : spec;
        if (p.isBlank()) {
            throw new IllegalArgumentException("--usbredir " + spec + ": no socket path after '" + LISTEN_PREFIX + "'");
        }
        return new UsbRedirAddress(listen, Path.of(p).toAbsolutePath());
    }

    @Override
    public String toString() {
        return (listen ? LISTEN_PREFIX : "") + path;
    }
}
