package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Output;
import io.modemflash.qmi.client.DmsClient;
import io.modemflash.qmi.client.QmiDevice;
import io.modemflash.qmi.client.QmiDeviceOptions;
import io.modemflash.qmi.dms.GetIds;
import io.modemflash.qmi.dms.ImageId;
import io.modemflash.qmi.dms.ListStoredImages;
import io.modemflash.qmi.dms.OperatingMode;
import io.modemflash.qmi.dms.SwiGetCurrentFirmware;
import io.modemflash.qmi.info.Answer;
import io.modemflash.qmi.info.ModemInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** `modemflash info -d DEV`: identity and firmware of a modem over QMI. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Show a modem's identity and firmware over QMI.",
                "Model, revision, IMEI/ESN/MEID, operating mode, firmware preference, stored images and (Sierra)",
                "current firmware.",
                "Messages the modem does not implement are shown as unsupported, not as a failure."})
public final class InfoCommand implements Callable<Integer> {

    @Option(names = {"-d", "--device"}, required = true, paramLabel = "DEV",
            description = "The modem: its QMI control port (/dev/cdc-wdm0), a tty of it, or its USB port path (2-1.4).")
    String name;

    @Mixin
    DevicesRootOptions rootOptions;

    @Option(names = "--proxy",
            description = "Go through libqmi's qmi-proxy (shares the port with ModemManager; started if not running).")
    boolean proxy;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Per-request timeout in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Output out = outputOptions.output();
        Path device = qmiPort();
        // No CTL Sync: it would drop every client id on the modem, ModemManager's included.
        // The port is proved with Get Version Info instead.
        QmiDeviceOptions options = QmiDeviceOptions.defaults()
                .withSyncOnOpen(false)
                .withRequestTimeout(Duration.ofSeconds(timeoutSeconds));
        ModemInfo info;
        // traced from the first frame, so -v also shows the Get Version Info probe
        try (QmiDevice qmi = QmiDevice.open(device, proxy, options, out.verbose() ? out::trace : null)) {
            try (DmsClient dms = qmi.dms()) {
                info = ModemInfo.read(qmi, dms);
            }
        }
        Map<String, Object> fields = toFields(info);
        if (out.json()) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("device", device.toString());
            event.put("proxy", proxy);
            event.putAll(fields);
            out.event("info", event);
            out.result(ExitCode.OK, null, Map.of());
        } else {
            out.text(render(device, info));
        }
        return ExitCode.OK.code;
    }

    /**
     * The QMI node to open: a node given as such (also one sysfs does not know, e.g. behind
     * qmi-proxy), else the QMI port of the modem the name leads to in sysfs (port path, tty).
     */
    private Path qmiPort() {
        rootOptions.impliedBy(List.of(name));
        Path p = Path.of(name);
        if (name.contains("/") && (java.nio.file.Files.exists(p) || proxy)) {
            return p;
        }
        var found = Lookup.modem(rootOptions.scanner(), name, null);
        if (found.isEmpty()) {
            if (name.contains("/")) {
                return p; // the open says "no such device"
            }
            throw new Failure(ExitCode.DEVICE_NOT_FOUND, "no modem at " + name + " (see 'modemflash devices')");
        }
        if (found.get().qmiNode() == null) {
            throw new Failure(ExitCode.DEVICE_NOT_FOUND, "the device on USB port " + found.get().port() + " has no QMI "
                    + "port" + (found.get().inDownloadMode() ? ": it is in download mode (" + found.get().vidPid() + ")"
                    : ""));
        }
        return found.get().qmiNode();
    }

    /** JSON shape: one key per query; an unsupported query is {"unsupported": "<error name>"}. */
    static Map<String, Object> toFields(ModemInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Map<String, Object>> services = new ArrayList<>();
        info.services().forEach(s -> services.add(Map.of(
                "service", s.serviceName(), "id", s.service(), "version", s.major() + "." + s.minor())));
        m.put("services", services);
        m.put("model", json(info.model(), v -> v));
        m.put("revision", json(info.revision(), v -> v));
        m.put("ids", json(info.ids(), GetIds.Response::fields));
        m.put("operating_mode", json(info.operatingMode(), v -> OperatingMode.describe(v.mode())));
        m.put("firmware_preference", json(info.firmwarePreference(), list -> list.stream().map(ImageId::fields).toList()));
        m.put("stored_images", json(info.storedImages(), InfoCommand::storedImagesJson));
        m.put("swi_current_firmware", json(info.swiCurrentFirmware(), SwiGetCurrentFirmware.Response::fields));
        return m;
    }

    private static List<Map<String, Object>> storedImagesJson(ListStoredImages.Response r) {
        List<Map<String, Object>> lists = new ArrayList<>();
        for (ListStoredImages.ImageList l : r.lists()) {
            List<Map<String, Object>> images = new ArrayList<>();
            for (int pos = 0; pos < l.images().size(); pos++) {
                ListStoredImages.StoredImage i = l.images().get(pos);
                Map<String, Object> im = new LinkedHashMap<>();
                im.put("storage_index", i.storageIndex());
                im.put("unique_id", i.uniqueIdText());
                im.put("build_id", i.buildId());
                im.put("failure_count", i.failureCount());
                // The running index is the image's position in this list (0-based), not its storage index.
                im.put("running", pos == l.runningIndex());
                images.add(im);
            }
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("type", ImageId.typeName(l.type()));
            lm.put("max_images", l.maxImages());
            lm.put("running_index", l.runningIndex());
            lm.put("images", images);
            lists.add(lm);
        }
        return lists;
    }

    private static <T> Object json(Answer<T> a, java.util.function.Function<T, Object> f) {
        if (a instanceof Answer.Unsupported<T> u) {
            return Map.of("unsupported", u.reason());
        }
        return f.apply(a.orNull());
    }

    static String render(Path device, ModemInfo info) {
        StringBuilder sb = new StringBuilder();
        line(sb, "device", device.toString());
        line(sb, "model", text(info.model(), v -> v));
        line(sb, "revision", text(info.revision(), v -> v));
        if (info.ids() instanceof Answer.Value<GetIds.Response> ids) {
            GetIds.Response r = ids.value();
            line(sb, "IMEI", orDash(r.imei()));
            line(sb, "IMEI SV", orDash(r.imeiSoftwareVersion()));
            line(sb, "ESN", orDash(r.esn()));
            line(sb, "MEID", orDash(r.meid()));
        } else {
            line(sb, "IDs", text(info.ids(), v -> ""));
        }
        line(sb, "operating mode", text(info.operatingMode(), v -> OperatingMode.describe(v.mode())));
        line(sb, "firmware preference", text(info.firmwarePreference(), list -> list.isEmpty() ? "(none)" : ""));
        if (info.firmwarePreference() instanceof Answer.Value<List<ImageId>> pref) {
            for (ImageId id : pref.value()) {
                sb.append(String.format("  %-5s unique id '%s', build id '%s'%n",
                        ImageId.typeName(id.type()), id.uniqueIdText(), id.buildId()));
            }
        }
        line(sb, "stored images", text(info.storedImages(), r -> r.lists().isEmpty() ? "(none)" : ""));
        if (info.storedImages() instanceof Answer.Value<ListStoredImages.Response> stored) {
            for (ListStoredImages.ImageList l : stored.value().lists()) {
                sb.append(String.format("  %s (max %d, running index %d):%n",
                        ImageId.typeName(l.type()), l.maxImages(), l.runningIndex()));
                for (int pos = 0; pos < l.images().size(); pos++) {
                    ListStoredImages.StoredImage i = l.images().get(pos);
                    sb.append(String.format("    [%d]%s unique id '%s', build id '%s', failures %d%n",
                            i.storageIndex(), pos == l.runningIndex() ? " (running)" : "",
                            i.uniqueIdText(), i.buildId(), i.failureCount()));
                }
            }
        }
        if (info.swiCurrentFirmware() instanceof Answer.Value<SwiGetCurrentFirmware.Response> swi) {
            sb.append("current firmware (Sierra):\n");
            swi.value().fields().forEach((k, v) -> {
                if (v != null) {
                    sb.append(String.format("  %-16s %s%n", k.replace('_', ' ') + ":", v));
                }
            });
        } else {
            line(sb, "current firmware", text(info.swiCurrentFirmware(), v -> ""));
        }
        List<String> services = new ArrayList<>();
        info.services().forEach(s -> services.add(s.toString()));
        line(sb, "QMI services", services.isEmpty() ? "-" : String.join(", ", services));
        return sb.toString().stripTrailing();
    }

    private static <T> String text(Answer<T> a, java.util.function.Function<T, String> f) {
        if (a instanceof Answer.Unsupported<T> u) {
            return "unsupported by this modem (" + u.reason() + ")";
        }
        return f.apply(a.orNull());
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format("%-20s %s%n", key + ":", value));
    }
}
