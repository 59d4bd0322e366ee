package io.modemflash.updater.modemmanager;

import org.freedesktop.ModemManager1.Error;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.connections.base.AbstractConnectionBase;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ModemManager's manager object as the real one shows it on the bus, for tests on a
 * {@link PrivateSystemBus}: it owns org.freedesktop.ModemManager1, lists one modem through
 * the ObjectManager interface (Device = its physical uid, Ports), and implements
 * InhibitDevice with ModemManager 1.20's rules: an unknown uid is NotFound, an inhibited one
 * InProgress, only the inhibitor may give it back, an inhibited modem leaves the object list,
 * and the inhibition ends when the inhibitor's unique name leaves the bus (it watches
 * NameOwnerChanged, as ModemManager watches the sender's name).
 */
final class FakeModemManager implements ModemManager1, ObjectManager, Closeable {
    static final String MODEM_PATH = ModemManagerBus.PATH + "/Modem/0";

    /** ModemManager's Ports property element: (name, MMModemPortType). */
    public static final class Port extends Struct {
        @Position(0)
        public final String name;
        @Position(1)
        public final UInt32 type;

        Port(String name, int type) {
            this.name = name;
            this.type = new UInt32(type);
        }
    }

    private final DBusConnection connection;
    private final String uid;
    private final List<String> ports;
    /** uid -> unique name of the inhibitor. */
    private final Map<String, String> inhibitedBy = new ConcurrentHashMap<>();
    /** "inhibit UID by :1.N", "uninhibit ...", "lost ..." in order. */
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    private FakeModemManager(DBusConnection connection, String uid, List<String> ports) {
        this.connection = connection;
        this.uid = uid;
        this.ports = ports;
    }

    static FakeModemManager start(String address, String uid, List<String> ports) throws DBusException {
        DBusConnection c = DBusConnectionBuilder.forAddress(address).withShared(false).build();
        FakeModemManager mm = new FakeModemManager(c, uid, ports);
        c.addSigHandler(DBus.NameOwnerChanged.class, s -> {
            if (s.newOwner.isEmpty()) {
                mm.inhibitedBy.forEach((u, by) -> {
                    if (by.equals(s.name) && mm.inhibitedBy.remove(u, by)) {
                        mm.calls.add("lost " + u + " by " + by);
                    }
                });
            }
        });
        c.exportObject(ModemManagerBus.PATH, mm);
        c.requestBusName(ModemManagerBus.NAME);
        return mm;
    }

    /** Another client's inhibition, held until its connection closes. */
    void inhibitedElsewhere(String by) {
        inhibitedBy.put(uid, by);
    }

    String inhibitor() {
        return inhibitedBy.get(uid);
    }

    @Override
    public void InhibitDevice(String u, boolean inhibit) {
        String sender = AbstractConnectionBase.getCallInfo().getSource();
        if (!u.equals(uid)) {
            throw new Error.Core.NotFound("No device found with uid '" + u + "'");
        }
        if (inhibit) {
            if (inhibitedBy.putIfAbsent(u, sender) != null) {
                throw new Error.Core.InProgress("Device '" + u + "' is already inhibited");
            }
            calls.add("inhibit " + u + " by " + sender);
        } else {
            if (!inhibitedBy.remove(u, sender)) {
                throw new Error.Core.NotFound("No inhibition found for uid '" + u + "'");
            }
            calls.add("uninhibit " + u + " by " + sender);
        }
    }

    @Override
    public Map<DBusPath, Map<String, Map<String, Variant<?>>>> GetManagedObjects() {
        Map<DBusPath, Map<String, Map<String, Variant<?>>>> out = new LinkedHashMap<>();
        if (!inhibitedBy.containsKey(uid)) {
            Map<String, Variant<?>> props = new LinkedHashMap<>();
            props.put("Device", new Variant<>(uid));
            List<Port> p = new ArrayList<>();
            for (String name : ports) {
                p.add(new Port(name, name.startsWith("cdc-wdm") ? 6 : 3));
            }
            props.put("Ports", new Variant<>(p, "a(su)"));
            out.put(new DBusPath(MODEM_PATH), Map.of(ModemManagerBus.MODEM_INTERFACE, props));
        }
        return out;
    }

    @Override
    public String getObjectPath() {
        return ModemManagerBus.PATH;
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
