package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Output;
import io.modemflash.updater.discovery.Device;
import io.modemflash.updater.discovery.DeviceAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** `modemflash devices [--json]`: modems and download-mode devices found in sysfs. */
@Command(name = "devices",
        mixinStandardHelpOptions = true,
        description = {"List modems (application mode) and devices in download mode, from sysfs.",
                "Each line: USB port path, VID:PID, mode, QMI node, serial ports. --json: one \"device\" event each."})
public final class DevicesCommand implements Callable<Integer> {
    @Mixin
    OutputOptions outputOptions;

    @Mixin
    DevicesRootOptions rootOptions;

    @Override
    public Integer call() {
        Output out = outputOptions.output();
        List<Device> devices = rootOptions.scanner().scan();
        for (Device d : devices) {
            out.event("device", d.fields());
            out.text(describe(d));
        }
        for (Device d : devices) {
            DeviceAccess.problem(d, rootOptions.roots()).ifPresent(problem -> {
                out.note("warning: " + problem);
                out.event("warning", Map.of("port", d.port(), "node", d.usbNode(rootOptions.roots()).toString(),
                        "rule", DeviceAccess.UDEV_RULE, "message", problem));
            });
        }
        if (devices.isEmpty()) {
            out.note("no modem found (looked in " + rootOptions.roots().sys() + ")");
        }
        out.result(ExitCode.OK, null, Map.of("devices", devices.size()));
        return ExitCode.OK.code;
    }

    static String describe(Device d) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-10s %s  %-11s", d.port(), d.vidPid(), d.mode().label()));
        if (d.protocol() != null) {
            sb.append(' ').append(d.fields().get("protocol"));
        }
        if (d.qmiNode() != null) {
            sb.append("  qmi ").append(d.qmiNode());
        }
        for (Device.Tty t : d.ttys()) {
            sb.append("  ").append(t.node()).append(" (if ").append(t.interfaceNumber()).append(')');
        }
        if (d.serial() != null) {
            sb.append("  serial ").append(d.serial());
        }
        return sb.toString();
    }
}
