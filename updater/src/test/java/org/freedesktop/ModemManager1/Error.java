package org.freedesktop.ModemManager1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * ModemManager's D-Bus errors for the test's fake ModemManager: dbus-java names an error
 * after the class that is thrown ('$' becoming '.'), so these classes give the wire names
 * org.freedesktop.ModemManager1.Error.Core.NotFound and so on.
 */
public final class Error {
    private Error() {
    }

    public static final class Core {
        private Core() {
        }

        public static final class NotFound extends DBusExecutionException {
            public NotFound(String message) {
                super(message);
            }
        }

        public static final class InProgress extends DBusExecutionException {
            public InProgress(String message) {
                super(message);
            }
        }

        public static final class WrongState extends DBusExecutionException {
            public WrongState(String message) {
                super(message);
            }
        }
    }
}
