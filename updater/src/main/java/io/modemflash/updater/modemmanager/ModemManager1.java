package io.modemflash.updater.modemmanager;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/** The part of ModemManager's manager interface (on /org/freedesktop/ModemManager1) that a firmware updater uses. */
@DBusInterfaceName("org.freedesktop.ModemManager1")
public interface ModemManager1 extends DBusInterface {
    /**
     * Inhibit (true) or give back (false) the device whose physical uid is {@code uid}. The
     * inhibition lasts while the caller's bus connection lives (PROTOCOLS.md 8.3).
     */
    @SuppressWarnings("checkstyle:MethodName")
    void InhibitDevice(String uid, boolean inhibit);
}
