package io.modemflash.updater.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Is ModemManager running? It probes every new modem port, boot-mode ttys included, and
 * breaks Sahara and QDL (PROTOCOLS.md 8.3). Asked of the bus itself: NameHasOwner of
 * org.freedesktop.ModemManager1 (busctl, else dbus-send); without either tool or a bus, a
 * process named ModemManager. Never a call addressed to ModemManager's own name (libqmi's
 * Peer.Ping): on Debian the bus D-Bus-activates it for that call, so the check itself started
 * ModemManager, which then probed the boot tty (seen on the virtual bench: the next download
 * got no answer to its DLOAD SDP, and the next run found ModemManager running).
 */
public final class ModemManagerCheck {
    private ModemManagerCheck() {
    }

    static final String NAME = "org.freedesktop.ModemManager1";

    /** The questions, in order of preference: each asks the bus daemon, never ModemManager. */
    static final List<List<String>> QUERIES = List.of(
            List.of("busctl", "--system", "--timeout=2", "call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                    "org.freedesktop.DBus", "NameHasOwner", "s", NAME),
            List.of("dbus-send", "--system", "--print-reply", "--reply-timeout=2000", "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:" + NAME));

    public static boolean running() {
        for (List<String> q : QUERIES) {
            Boolean owned = ask(q);
            if (owned != null) {
                return owned;
            }
        }
        return processRunning("ModemManager");
    }

    /** The answer of one tool (busctl "b true", dbus-send "boolean true"); null when it is missing, fails or hangs. */
    private static Boolean ask(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? hasOwner(new String(out, java.nio.charset.StandardCharsets.UTF_8)) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** NameHasOwner's boolean in busctl's or dbus-send's words; null when the output holds neither. */
    static Boolean hasOwner(String output) {
        String o = output.trim();
        if (o.endsWith("b true") || o.endsWith("boolean true")) {
            return true;
        }
        if (o.endsWith("b false") || o.endsWith("boolean false")) {
            return false;
        }
        return null;
    }

    private static boolean processRunning(String name) {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .anyMatch(p -> {
                        try {
                            return Files.readString(p.resolve("comm")).trim().equals(name);
                        } catch (IOException e) {
                            return false;
                        }
                    });
        } catch (IOException e) {
            return false;
        }
    }

    private static final String WHY = "ModemManager is running: it probes boot-mode ports and breaks the download. ";

    /** For commands that talk QMI (update, boot-mode): --proxy shares the port with it. */
    public static String advice(boolean proxy) {
        return WHY + (proxy ? "Continuing with --proxy; if the download fails, inhibit the modem or stop ModemManager"
                : "Stop it (systemctl stop ModemManager) or inhibit the modem, or pass --proxy to share "
                + "the QMI port through qmi-proxy");
    }

    /** For `download`: no QMI port to share, so only stopping it, inhibiting the modem or going on regardless. */
    public static String downloadAdvice(boolean ignoring) {
        return WHY + (ignoring ? "Continuing (--ignore-modemmanager); if the download fails, inhibit the modem or "
                + "stop ModemManager"
                : "Stop it (systemctl stop ModemManager) or inhibit the modem, or pass --ignore-modemmanager if it "
                + "leaves this device alone (it ignores 05c6:9008 and ports tagged ID_MM_DEVICE_IGNORE)");
    }
}
