package io.modemflash.updater.modemmanager;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.types.Variant;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One connection to the system bus, to ask about ModemManager and to hold its inhibitions.
 * Whether it runs is asked of the bus (NameHasOwner / GetNameOwner), never of ModemManager: a
 * call addressed to its well-known name D-Bus-activates a stopped ModemManager (DESIGN.md 3).
 * Every call to ModemManager goes to the unique name that owns it now, with auto-start off, so
 * not even a ModemManager that exits meanwhile is started again.
 */
public final class ModemManagerBus implements Closeable {
    public static final String NAME = "org.freedesktop.ModemManager1";
    public static final String PATH = "/org/freedesktop/ModemManager1";
    /** Where the system bus listens when DBUS_SYSTEM_BUS_ADDRESS does not say (the D-Bus specification's default). */
    static final List<Path> SYSTEM_BUS_SOCKETS = List.of(Path.of("/run/dbus/system_bus_socket"),
            Path.of("/var/run/dbus/system_bus_socket"));
    /** dbus-java makes max(500, timeout) / 500 connection attempts, 500 ms apart. */
    private static final int CONNECT_ATTEMPT_MS = 500;
    static final String MODEM_INTERFACE = "org.freedesktop.ModemManager1.Modem";
    private static final String ERROR_PREFIX = "org.freedesktop.ModemManager1.Error.";

    /** A modem ModemManager exposes: its object, physical device uid ({@code Device}) and port names. */
    public record Modem(String path, String device, List<String> ports) {
    }

    /** ModemManager refused: {@link #name} is its error name without the prefix, e.g. "Core.InProgress". */
    public static final class Refused extends Exception {
        private final String name;

        Refused(String name, String message) {
            super(message, null, false, false);
            this.name = name;
        }

        public String name() {
            return name;
        }
    }

    private final DBusConnection connection;
    private final String address;

    private ModemManagerBus(DBusConnection connection, String address) {
        this.connection = connection;
        this.address = address;
    }

    /**
     * Connects to the bus at {@code address} (null: the system bus, DBUS_SYSTEM_BUS_ADDRESS or
     * /run/dbus/system_bus_socket). IOException when there is no such bus.
     */
    public static ModemManagerBus connect(String address) throws IOException {
        if (address == null && noSystemBus(System.getenv("DBUS_SYSTEM_BUS_ADDRESS"), SYSTEM_BUS_SOCKETS)) {
            // no D-Bus here (a router, a container, a minimal install): no ModemManager either
            throw new IOException("no " + SYSTEM_BUS_SOCKETS.get(0) + " and DBUS_SYSTEM_BUS_ADDRESS unset");
        }
        try {
            DBusConnectionBuilder b = address == null ? DBusConnectionBuilder.forSystemBus()
                    : DBusConnectionBuilder.forAddress(address);
            // one connection attempt: dbus-java's default retries every 500 ms for 10 s, which made every
            // update on a machine whose bus socket is stale wait 10 s before it started
            b.transportConfig().withTimeout(CONNECT_ATTEMPT_MS);
            return new ModemManagerBus(b.withShared(false).build(), address == null ? "the system bus" : address);
        } catch (DBusException | RuntimeException e) {
            throw new IOException("cannot connect to " + (address == null ? "the system bus" : address) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * True when there is certainly no system bus: the environment names none and no default
     * socket exists. Checked before dbus-java is loaded at all, which alone takes a while on a
     * slow CPU.
     */
    static boolean noSystemBus(String addressFromEnvironment, List<Path> defaultSockets) {
        if (addressFromEnvironment != null && !addressFromEnvironment.isBlank()) {
            return false;
        }
        return defaultSockets.stream().noneMatch(java.nio.file.Files::exists);
    }

    /** The unique name of the running ModemManager (":1.5"), or null when it does not run. */
    public String owner() throws IOException {
        try {
            DBus bus = connection.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
            if (!bus.NameHasOwner(NAME)) {
                return null;
            }
            return bus.GetNameOwner(NAME);
        } catch (DBusException | DBusExecutionException e) {
            if (e instanceof DBusExecutionException x && errorName(x).endsWith("NameHasNoOwner")) {
                return null; // it left between the two questions
            }
            throw new IOException("cannot ask " + address + " about " + NAME + ": " + e.getMessage(), e);
        }
    }

    /** Our own unique name on the bus (what ModemManager watches to end our inhibitions). */
    public String uniqueName() {
        return connection.getUniqueName();
    }

    /** The modems ModemManager exposes now (an inhibited modem is not among them). */
    public List<Modem> modems(String owner) throws IOException {
        Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects;
        try {
            objects = connection.getRemoteObject(owner, PATH, ObjectManager.class, false).GetManagedObjects();
        } catch (DBusException | DBusExecutionException e) {
            throw new IOException("cannot list ModemManager's modems: " + e.getMessage(), e);
        }
        List<Modem> out = new ArrayList<>();
        objects.forEach((path, interfaces) -> {
            Map<String, Variant<?>> modem = interfaces.get(MODEM_INTERFACE);
            if (modem != null) {
                out.add(new Modem(path.getPath(), string(modem.get("Device")), portNames(modem.get("Ports"))));
            }
        });
        return out;
    }

    /** InhibitDevice(uid, inhibit) on the ModemManager that is {@code owner}. */
    public void inhibit(String owner, String uid, boolean inhibit) throws Refused, IOException {
        try {
            connection.getRemoteObject(owner, PATH, ModemManager1.class, false).InhibitDevice(uid, inhibit);
        } catch (DBusExecutionException e) {
            String type = errorName(e);
            if (type.startsWith(ERROR_PREFIX)) {
                throw new Refused(type.substring(ERROR_PREFIX.length()), e.getMessage());
            }
            throw new IOException("ModemManager's InhibitDevice failed: " + (type.isEmpty() ? "" : type + ": ")
                    + e.getMessage(), e);
        } catch (DBusException e) {
            throw new IOException("cannot call ModemManager's InhibitDevice: " + e.getMessage(), e);
        }
    }

    /** Disconnecting ends every inhibition made on this connection. */
    @Override
    public void close() {
        connection.disconnect();
    }

    /**
     * The D-Bus error name: dbus-java sets it as the type, or, when a class of that name is on
     * the class path, throws that class; either may spell nested names with '$' for '.'.
     */
    private static String errorName(DBusExecutionException e) {
        if (e.getType() != null) {
            return e.getType().replace('$', '.');
        }
        return e.getClass() == DBusExecutionException.class ? "" : e.getClass().getName().replace('$', '.');
    }

    private static String string(Variant<?> v) {
        return v != null && v.getValue() instanceof String s ? s : null;
    }

    /** Ports is a(su): (name, type) pairs; dbus-java hands the structs over as Struct or Object[]. */
    private static List<String> portNames(Variant<?> v) {
        List<String> names = new ArrayList<>();
        if (v != null && v.getValue() instanceof List<?> list) {
            for (Object o : list) {
                Object[] fields = o instanceof Struct s ? s.getParameters() : o instanceof Object[] a ? a : null;
                if (fields != null && fields.length > 0 && fields[0] instanceof String name) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
