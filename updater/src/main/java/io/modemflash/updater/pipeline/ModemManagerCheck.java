package io.modemflash.updater.pipeline;

import io.modemflash.updater.modemmanager.ModemManagerBus;

import java.io.IOException;

/**
 * Is ModemManager running? It probes every new modem port, boot-mode ttys included, and
 * breaks Sahara and QDL (PROTOCOLS.md 8.3). Asked of the system bus (NameHasOwner), never of
 * ModemManager itself: any call addressed to its name (libqmi's Peer.Ping) D-Bus-activates a
 * stopped ModemManager. No system bus: it cannot be running.
 */
public final class ModemManagerCheck {
    private ModemManagerCheck() {
    }

    /** address: the bus to ask (null: the system bus). */
    public static boolean running(String address) {
        try (ModemManagerBus bus = ModemManagerBus.connect(address)) {
            return bus.owner() != null;
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

    /** For `update --no-inhibit`: the same choices, and that without the option the modem is inhibited. */
    public static String noInhibitAdvice(boolean proxy) {
        return advice(proxy) + (proxy ? "" : " (without --no-inhibit, update inhibits the modem in ModemManager)");
    }

    /** For `download`: no QMI port to share, so only stopping it, inhibiting the modem or going on regardless. */
    public static String downloadAdvice(boolean ignoring) {
        return WHY + (ignoring ? "Continuing (--ignore-modemmanager); if the download fails, inhibit the modem or "
                + "stop ModemManager"
                : "Stop it (systemctl stop ModemManager) or inhibit the modem, or pass --ignore-modemmanager if it "
                + "leaves this device alone (it ignores 05c6:9008 and ports tagged ID_MM_DEVICE_IGNORE)");
    }
}
