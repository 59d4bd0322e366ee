package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Output;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modemflash.images.Protocol;
import io.modemflash.qdl.download.DownloadEvent;
import io.modemflash.qdl.download.WrongDeviceException;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.sahara.SaharaCommands.MemoryRegion;
import io.modemflash.qdl.sahara.SaharaPacket;
import io.modemflash.qdl.sahara.SaharaSession;
import io.modemflash.updater.progress.DownloadProgress;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** `modemflash sahara info|dump`: chip identity in Sahara command mode; memory-debug dumps. */
@Command(name = "sahara",
        mixinStandardHelpOptions = true,
        description = "Talk Sahara to a device in EDL (05c6:9008) or crash-dump (05c6:900e) mode.",
        footerHeading = "%nExit codes:%n",
        footer = {"  0 done, 2 usage, 3 device not found, 4 device busy, 6 the device refused,",
                "  7 timeout, 9 wrong mode for this command, 10 device disconnected."},
        subcommands = {SaharaCommand.Info.class, SaharaCommand.Dump.class})
public final class SaharaCommand implements Runnable {

    @Override
    public void run() {
        Main.needsSubcommand(this);
    }

    /** Sahara options shared by the subcommands. */
    static final class SaharaOptions {
        @Option(names = "--hello-timeout", paramLabel = "SECONDS", defaultValue = "3",
                description = "How long to wait for the device's HELLO (default: ${DEFAULT-VALUE} s).")
        double helloTimeout;

        @Option(names = "--no-wake", description = "Never write before the HELLO (Sierra 9x50/SDX boot-and-hold: "
                + "a byte written first breaks their later switch to Firehose).")
        boolean noWake;

        SaharaSession.Options options() {
            SaharaSession.Options base = noWake ? SaharaSession.Options.SIERRA_9X50 : SaharaSession.Options.DEFAULTS;
            return base.withTimeouts(base.timeoutMs(), Math.round(helloTimeout * 1000));
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = {"Read the chip identity in Sahara command mode: serial, HW id (MSM/OEM/model),",
                    "OEM public-key hash, SBL version and protocol version, and which loader of --loaders",
                    "fits it. Leaves the device waiting for an image (a later download works)."})
    static final class Info implements Callable<Integer> {
        @Mixin
        OutputOptions options;

        @Mixin
        DownloadDeviceOptions device;

        @Mixin
        SaharaOptions sahara;

        @Mixin
        LoaderOptions loaders;

        @Override
        public Integer call() throws IOException {
            Output out = options.output();
            io.modemflash.qdl.sahara.LoaderIndex index = loaders.index();
            try (Link link = device.open(out, "sahara info", Protocol.QUALCOMM_EDL)) {
                SaharaSession s = new SaharaSession(link, sahara.options());
                SaharaPacket.Hello hello = s.awaitHello();
                s.enterCommandMode();
                SaharaSession.ChipInfo chip = s.readChipInfo();
                // back to image transfer: the device says HELLO again and waits for a programmer
                s.switchMode(SaharaPacket.MODE_IMAGE_TX_PENDING);
                ObjectNode n = Output.mapper().createObjectNode();
                n.put("event", "chip");
                n.put("device", link.describe());
                n.put("serial", chip.serial() == null ? null : String.format("0x%08X", chip.serial()));
                if (chip.hwId() != null) {
                    n.put("msm_id", String.format("0x%08X", chip.hwId().msmId()));
                    n.put("oem_id", String.format("0x%04X", chip.hwId().oemId()));
                    n.put("model_id", String.format("0x%04X", chip.hwId().modelId()));
                }
                n.put("pk_hash", chip.pkHash() == null ? null : HexFormat.of().formatHex(chip.pkHash()));
                n.put("sbl_version", chip.sblVersion() == null ? null : String.format("0x%08X", chip.sblVersion()));
                n.put("protocol_version", hello.version());
                n.put("protocol_compatible", hello.compatible());
                var fit = index.fitting(chip);
                n.put("loader", fit.isEmpty() ? null : fit.get(0).file().toString());
                n.put("loaders_checked", index.loaders().size());
                out.emit(n);
                out.text("device:        " + link.describe());
                out.text("serial:        " + text(n, "serial"));
                out.text("hw id:         " + (chip.hwId() == null ? "-" : "MSM " + text(n, "msm_id") + "  OEM "
                        + text(n, "oem_id") + "  model " + text(n, "model_id")));
                out.text("pk hash:       " + text(n, "pk_hash"));
                out.text("sbl version:   " + text(n, "sbl_version"));
                out.text("protocol:      Sahara " + hello.version() + " (compatible " + hello.compatible() + ")");
                out.text("loader:        " + (fit.isEmpty() ? "none of " + index.describe() + " fits"
                        : fit.get(0).file() + (fit.size() > 1 ? " (and " + (fit.size() - 1) + " more)" : "")));
                out.emit(ok());
                return ExitCode.OK.code;
            }
        }

        private static String text(ObjectNode n, String key) {
            return n.hasNonNull(key) ? n.get(key).asText() : "-";
        }
    }

    @Command(name = "dump", mixinStandardHelpOptions = true,
            description = {"Save the memory regions of a device in crash-dump (memory debug) mode,",
                    "one file per region named as the device names it, into DIR."})
    static final class Dump implements Callable<Integer> {
        @Mixin
        OutputOptions options;

        @Mixin
        DownloadDeviceOptions device;

        @Mixin
        SaharaOptions sahara;

        @Parameters(index = "0", paramLabel = "DIR", description = "Directory for the region files (created if missing).")
        Path dir;

        @Option(names = "--region", paramLabel = "FILE",
                description = "Dump only the region with this file name (repeatable; default: all).")
        List<String> only = List.of();

        @Override
        public Integer call() throws IOException {
            Output out = options.output();
            Files.createDirectories(dir);
            DownloadProgress progress = DownloadProgress.forCli(out);
            try (Link link = device.open(out, "sahara dump", Protocol.QUALCOMM_EDL)) {
                SaharaSession s = new SaharaSession(link, sahara.options());
                SaharaPacket.Hello hello = s.awaitHello();
                if (hello.mode() != SaharaPacket.MODE_MEMORY_DEBUG) {
                    throw new WrongDeviceException(link.describe() + " is not in crash-dump mode (Sahara HELLO mode "
                            + hello.mode() + ", memory debug is 2)");
                }
                List<MemoryRegion> regions = s.memoryDebugTable();
                ArrayNode files = Output.mapper().createArrayNode();
                for (MemoryRegion r : regions) {
                    if (!only.isEmpty() && !only.contains(r.fileName())) {
                        continue;
                    }
                    Path file = dir.resolve(r.fileName());
                    progress.on(new DownloadEvent.ImageStarted(r.fileName(), r.description(), r.length()));
                    long t0 = System.nanoTime();
                    try (OutputStream o = Files.newOutputStream(file, StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                        s.dumpRegion(r, o, (name, done, total) ->
                                progress.on(new DownloadEvent.ImageProgress(name, done, total)));
                    }
                    progress.on(new DownloadEvent.ImageDone(r.fileName(), r.description(), r.length(),
                            Duration.ofNanos(System.nanoTime() - t0)));
                    ObjectNode f = files.addObject();
                    f.put("file", file.toString());
                    f.put("description", r.description());
                    f.put("base", String.format(Locale.ROOT, "0x%X", r.base()));
                    f.put("bytes", r.length());
                }
                out.text("dumped " + files.size() + " region" + (files.size() == 1 ? "" : "s") + " into " + dir);
                ObjectNode res = ok();
                res.set("files", files);
                out.emit(res);
                return ExitCode.OK.code;
            }
        }
    }

    static ObjectNode ok() {
        ObjectNode n = Output.mapper().createObjectNode();
        n.put("event", "result");
        n.put("ok", true);
        n.put("exit_code", ExitCode.OK.code);
        return n;
    }
}
