package io.modemflash.updater.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Is ModemManager running? It probes every new modem port, boot-mode ttys included, and
 * breaks Sahara and QDL (PROTOCOLS.md 8.3). Asked like libqmi does: a D-Bus Peer.Ping of
 * org.freedesktop.ModemManager1 on the system bus (busctl, else dbus-send); without either
 * tool, a process named ModemManager.
 */
public final class ModemManagerCheck {
    private ModemManagerCheck() {
    }

    public static boolean running() {
        Boolean viaBus = ping(List.of("busctl", "--system", "--timeout=2", "call", "org.freedesktop.ModemManager1",
                "/org/freedesktop/ModemManager1", "org.freedesktop.DBus.Peer", "Ping"));
        if (viaBus == null) {
            viaBus = ping(List.of("dbus-send", "--system", "--print-reply", "--reply-timeout=2000",
                    "--dest=org.freedesktop.ModemManager1", "/org/freedesktop/ModemManager1",
                    "org.freedesktop.DBus.Peer.Ping"));
        }
        return viaBus != null ? viaBus : processRunning("ModemManager");
    }

    /** True/false from the tool's exit status; null when the tool is missing or hangs. */
    private static Boolean ping(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
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
