package io.modemflash.updater.modemmanager;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * A real dbus-daemon on a private socket with a system-bus-like configuration (type system,
 * EXTERNAL auth, a service directory for activation), so that D-Bus code is tested against
 * the real daemon without touching the machine's bus. Optionally ModemManager's name is
 * activatable: a stub that only leaves a marker file, so a test can tell whether anything
 * D-Bus-activated it.
 */
final class PrivateSystemBus implements Closeable {
    final Path dir;
    final String address;
    final Path activationMarker;
    private final Process daemon;

    private PrivateSystemBus(Path dir, String address, Path activationMarker, Process daemon) {
        this.dir = dir;
        this.address = address;
        this.activationMarker = activationMarker;
        this.daemon = daemon;
    }

    /** @param activatableModemManager install a .service file for org.freedesktop.ModemManager1 (a stub) */
    static PrivateSystemBus start(Path dir, boolean activatableModemManager) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path services = Files.createDirectories(dir.resolve("services"));
        Path marker = dir.resolve("modemmanager-was-activated");
        if (activatableModemManager) {
            Path stub = dir.resolve("fake-modemmanager");
            Files.writeString(stub, "#!/bin/sh\necho \"$$\" >> '" + marker + "'\nexit 0\n");
            Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(services.resolve(ModemManagerBus.NAME + ".service"),
                    "[D-BUS Service]\nName=" + ModemManagerBus.NAME + "\nExec=" + stub + "\nUser=root\n");
        }
        Path socket = dir.resolve("system_bus_socket");
        Path config = dir.resolve("system.conf");
        Files.writeString(config, """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>system</type>
                  <listen>unix:path=%s</listen>
                  <auth>EXTERNAL</auth>
                  <servicedir>%s</servicedir>
                  <policy context="default">
                    <allow user="*"/>
                    <allow own="*"/>
                    <allow send_type="method_call"/>
                    <allow send_destination="*"/>
                    <allow receive_sender="*"/>
                  </policy>
                </busconfig>
                """.formatted(socket, services));
        Process p = new ProcessBuilder("dbus-daemon", "--config-file=" + config, "--nofork", "--print-address=1",
                "--nopidfile").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String address = r.readLine();
        if (address == null || !address.startsWith("unix:")) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new IOException("dbus-daemon did not start (printed " + address + ")");
        }
        return new PrivateSystemBus(dir, address.strip(), marker, p);
    }

    boolean modemManagerWasActivated() {
        return Files.exists(activationMarker);
    }

    @Override
    public void close() throws IOException {
        daemon.destroy();
        try {
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
