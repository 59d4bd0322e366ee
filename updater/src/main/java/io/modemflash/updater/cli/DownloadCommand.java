package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Output;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.Problem;
import io.modemflash.qdl.download.DownloadOptions;
import io.modemflash.qdl.download.DownloadResult;
import io.modemflash.qdl.download.Downloader;
import io.modemflash.qdl.link.Link;
import io.modemflash.updater.pipeline.Digests;
import io.modemflash.updater.pipeline.ModemManagerCheck;
import io.modemflash.updater.progress.DownloadProgress;
import io.modemflash.updater.progress.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * `modemflash download PACKAGE`: flash a modem that is already in download mode (boot-and-hold,
 * EDL, or an interrupted update), then reset it. The package decides the protocol.
 */
@Command(name = "download",
        mixinStandardHelpOptions = true,
        description = {"Flash a modem that is already in download mode, then reset it.",
                "The package's protocol decides the flow: Sierra QDL, Sierra Sahara+Firehose,",
                "Qualcomm EDL (Sahara programmer upload + Firehose) or Gobi QDL.",
                "Without --port/--serial/--tty the single download-mode USB device is used."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 flashed, 2 usage, 3 no (single) device in download mode, or not a tty,",
                "  4 device busy, 5 bad package, 6 the device refused (NAK, Sahara/QDL error status,",
                "  rejected programmer), 7 timeout (stall, no HELLO), 9 the device speaks another boot",
                "  protocol than the package, 8 a partition does not hold what was written (EDL digest check),",
                "  10 device disconnected, 130 interrupted, 143 terminated.",
                "  Run the same command again after a failure (--skip resumes after completed images)."})
public final class DownloadCommand implements Callable<Integer> {
    @Mixin
    OutputOptions options;

    @Mixin
    DownloadDeviceOptions device;

    @Parameters(arity = "1..*", paramLabel = "PACKAGE", description = {"The firmware package: a file, a directory "
            + "or an archive; or loose files as qdl takes them (PROGRAMMER RAWPROGRAM.xml... PATCH.xml...), or "
            + "several .cwe/.nvu files written in the order given."})
    List<Path> packagePaths;

    @Option(names = "--include", paramLabel = "DIR", description = "Where the images a rawprogram XML names are "
            + "looked for first (qdl's --include; repeatable).")
    List<Path> include = new java.util.ArrayList<>();

    @Option(names = "--memory", paramLabel = "NAME",
            description = "Firehose MemoryName for flat builds: emmc, ufs, nand, spinor or nvme "
                    + "(default: from the sector size, 512 emmc, else ufs, then nand).")
    String memory;

    @Option(names = "--no-zlp", description = "Do not send zero-length packets after full-packet Firehose writes "
            + "(some host controllers or devices need this).")
    boolean noZlp;

    @Option(names = "--no-digest-verify", description = "EDL: do not ask the programmer for the SHA-256 of each "
            + "partition written and compare it with the package's bytes (on by default).")
    boolean noDigestVerify;

    @Option(names = "--no-reset", description = "Leave the device in download mode after flashing.")
    boolean noReset;

    @Option(names = "--ignore-modemmanager",
            description = "Flash even though ModemManager is running (when it leaves this device alone).")
    boolean ignoreModemManager;

    @Mixin
    ModemManagerOptions modemManager;

    @Option(names = "--skip", paramLabel = "IMAGE",
            description = "An image already on the device (resume; repeatable). Sierra packages only: "
                    + "flat builds and Gobi packages are always written whole.")
    List<String> skip = List.of();

    @Override
    public Integer call() throws IOException {
        Output out = options.output();
        // before anything is read: a boot port ModemManager probed may have lost its HELLO already
        modemManager.check(out, device.realDevice(), ignoreModemManager, ModemManagerCheck.downloadAdvice(false),
                ModemManagerCheck.downloadAdvice(true));
        try (FirmwarePackage pkg = FirmwarePackage.openFiles(packagePaths, include, Limits.defaults(), true)) {
            for (Problem p : pkg.problems()) {
                out.note("warning: " + p.line());
            }
            out.note("package: " + pkg.protocol().label + (pkg.product() == null ? "" : " " + pkg.product())
                    + (pkg.firmwareVersion() == null ? "" : " firmware " + pkg.firmwareVersion()) + ", "
                    + pkg.images().size() + " images");
            DownloadOptions opts = DownloadOptions.DEFAULTS.withMemoryName(memory == null ? null
                            : memory.toLowerCase(Locale.ROOT))
                    .withZeroLengthPackets(!noZlp).withReset(!noReset).withSkipImages(skipSet(skip))
                    .withVerifyDigests(!noDigestVerify);
            DownloadResult r;
            try (Link link = device.open(out, "download " + packagePaths.get(0), pkg.protocol())) {
                out.note("device: " + link.describe());
                r = new Downloader(opts, DownloadProgress.forCli(out)).download(pkg, link);
            }
            out.text(String.format(Locale.ROOT, "flashed %d image%s (%s) in %.1f s, %s%s", r.written(),
                    r.written() == 1 ? "" : "s", Units.bytes(r.bytes()), r.duration().toNanos() / 1e9,
                    Units.rate(r.bytesPerSecond()), r.reset() ? "; device reset" : "; device left in download mode")
                    + (r.digests().isEmpty() ? "" : "; " + r.digests().size() + " written regions proven by SHA-256"));
            out.emit(result(r));
            return ExitCode.OK.code;
        }
    }

    private static Set<String> skipSet(List<String> names) {
        return new LinkedHashSet<>(names);
    }

    static ObjectNode result(DownloadResult r) {
        ObjectNode n = Output.mapper().createObjectNode();
        n.put("event", "result");
        n.put("ok", true);
        n.put("exit_code", ExitCode.OK.code);
        n.put("protocol", r.protocol().label);
        n.put("start_state", r.startState() == null ? null : r.startState().label);
        n.put("bytes", r.bytes());
        n.put("seconds", r.duration().toMillis() / 1000.0);
        n.put("reset", r.reset());
        ArrayNode images = n.putArray("images");
        for (DownloadResult.ImageResult i : r.images()) {
            ObjectNode o = images.addObject();
            o.put("image", i.image());
            o.put("target", i.target());
            o.put("bytes", i.bytes());
            o.put("seconds", i.took().toMillis() / 1000.0);
            o.put("skipped", i.skipped());
        }
        n.set("digests", Digests.json(r.digests()));
        return n;
    }
}
