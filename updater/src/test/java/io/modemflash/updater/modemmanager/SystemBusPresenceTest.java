package io.modemflash.updater.modemmanager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A machine without D-Bus (a router, a container) has no ModemManager: update must find that
 * out without asking dbus-java, whose connection attempts went on for 10 s there.
 */
class SystemBusPresenceTest {
    @TempDir
    Path dir;

    @Test
    void noSocketAndNoAddressMeansNoBus() throws IOException {
        List<Path> sockets = List.of(dir.resolve("run/system_bus_socket"), dir.resolve("var-run/system_bus_socket"));
        assertTrue(ModemManagerBus.noSystemBus(null, sockets));
        assertTrue(ModemManagerBus.noSystemBus("  ", sockets));

        Files.createDirectories(sockets.get(1).getParent());
        Files.createFile(sockets.get(1)); // the second place the D-Bus specification names
        assertFalse(ModemManagerBus.noSystemBus(null, sockets));
    }

    @Test
    void anAddressFromTheEnvironmentIsAlwaysTried() {
        assertFalse(ModemManagerBus.noSystemBus("unix:path=/nonexistent/bus", List.of(dir.resolve("none"))));
    }

    @Test
    void aDeadSocketFailsAtTheFirstAttempt() {
        // a socket path nobody listens on: one attempt, an IOException naming it, no 20 retries
        String address = "unix:path=" + dir.resolve("stale_bus_socket");
        IOException e = assertThrows(IOException.class, () -> ModemManagerBus.connect(address));
        assertTrue(e.getMessage().startsWith("cannot connect to " + address), e.getMessage());
    }
}
