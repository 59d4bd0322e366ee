package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Output;
import io.modemflash.images.Protocol;
import io.modemflash.qdl.download.Downloader;
import io.modemflash.qdl.firehose.FirehoseSession;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.link.LinkTimeoutException;
import io.modemflash.images.elf.LoaderIdentity;
import io.modemflash.qdl.sahara.LoaderIndex;
import io.modemflash.qdl.sahara.SaharaImage;
import io.modemflash.qdl.sahara.SaharaSession;
import io.modemflash.qdl.sahara.SaharaSession.Detection;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How the firehose commands reach a running programmer (picocli mixin): upload one through
 * Sahara (--programmer), switch a Sierra 9x50/SDX boot-and-hold (--sierra), or use the one
 * already running. Then configure.
 */
public final class FirehoseConnectOptions {
    @Option(names = "--programmer", paramLabel = "FILE",
            description = "Firehose programmer (signed ELF, e.g. prog_firehose_ddr.elf) to upload through Sahara "
                    + "when the device is in EDL. Without it a programmer must already be running.")
    Path programmer;

    @Option(names = "--sierra", description = "The device is a Sierra 9x50/SDX boot-and-hold: switch to its built-in "
            + "Firehose with Sahara command 0xFF00 instead of uploading a programmer.")
    boolean sierra;

    @Option(names = "--memory", paramLabel = "NAME", defaultValue = "ufs",
            description = "Firehose MemoryName: emmc, ufs, nand, spinor or nvme (default: ${DEFAULT-VALUE}; "
                    + "nand with --sierra).")
    String memory;

    @Option(names = "--no-zlp", description = "No zero-length packets after full-packet writes.")
    boolean noZlp;

    @picocli.CommandLine.Mixin
    LoaderOptions loaders;

    @Option(names = "--hello-timeout", paramLabel = "SECONDS", defaultValue = "3",
            description = "How long to wait for a Sahara HELLO before assuming a programmer runs (default: ${DEFAULT-VALUE} s).")
    double helloTimeout;

    private static void upload(SaharaSession s, Path file, Output out) throws IOException {
        out.note("sahara: uploading " + file.getFileName());
        try (SaharaImage img = SaharaImage.open(file)) {
            s.uploadProgrammer(img, io.modemflash.qdl.Progress.NONE);
        }
    }

    /** A configured Firehose session on {@code link}. */
    public FirehoseSession connect(Link link, Output out) throws IOException {
        long hello = Math.round(helloTimeout * 1000);
        LoaderIndex index = programmer == null && !sierra ? loaders.index() : null;
        boolean canUpload = programmer != null || index != null && !index.isEmpty();
        // Only wake a silent PBL when we have something to give it; a running programmer must
        // not see a stray byte, and a Sierra 9x50 must not see any write before its HELLO.
        SaharaSession.Options so = canUpload && !sierra
                ? SaharaSession.Options.DEFAULTS.withTimeouts(5_000, hello)
                : new SaharaSession.Options(5_000, hello, false, 2, sierra ? 2 : 1, 64 << 20);
        SaharaSession s = new SaharaSession(link, so);
        Detection d = s.detect();
        FirehoseSession.Options fo = FirehoseSession.Options.DEFAULTS;
        fo = new FirehoseSession.Options(fo.timeouts(), !noZlp, fo.requestedPayload());
        FirehoseSession fh;
        boolean bannerDone = false;
        switch (d.state()) {
            case SAHARA_HELLO -> {
                if (sierra) {
                    out.note("sahara: switch to Firehose (EXECUTE 0xFF00)");
                    s.sierraSwitchToFirehose();
                } else if (programmer != null) {
                    // the user's programmer wins, but one signed for another chip is refused before it is sent
                    Optional<LoaderIdentity> id = LoaderIdentity.read(programmer);
                    if (id.isPresent()) {
                        SaharaSession.ChipInfo chip = s.identify();
                        String why = LoaderIndex.mismatch(id.get(), chip);
                        if (why != null) {
                            throw new Failure(ExitCode.WRONG_DEVICE, programmer + " does not fit " + link.describe()
                                    + ": " + why + "; nothing uploaded");
                        }
                    }
                    upload(s, programmer, out);
                } else if (index != null && !index.isEmpty()) {
                    SaharaSession.ChipInfo chip = s.identify();
                    List<LoaderIndex.Loader> fit = index.fitting(chip);
                    if (fit.isEmpty()) {
                        throw new Failure(ExitCode.WRONG_DEVICE, "no Firehose loader fits " + link.describe() + " ("
                                + LoaderIndex.describe(chip) + ") among " + index.describe()
                                + ": give --programmer FILE; nothing uploaded");
                    }
                    out.note("loader: " + fit.get(0).file() + " fits " + LoaderIndex.describe(chip)
                            + (fit.size() > 1 ? " (" + (fit.size() - 1) + " more fit; the first by name is used)" : ""));
                    upload(s, fit.get(0).file(), out);
                } else {
                    throw new Failure(ExitCode.USAGE, link.describe() + " runs Sahara (no programmer yet): give "
                            + "--programmer FILE, put loaders in " + String.join(" or ", loaders.dirs().stream()
                            .map(Path::toString).toList()) + " (--loaders DIR), or --sierra for a Sierra 9x50/SDX "
                            + "boot-and-hold");
                }
                fh = new FirehoseSession(link, fo, s.takeBuffered());
            }
            case FIREHOSE -> fh = new FirehoseSession(link, fo, d.firstBytes());
            case SILENT -> {
                // no HELLO: assume a programmer is already running and wake it with a nop
                fh = new FirehoseSession(link, fo);
                fh.onLog(l -> out.trace("device: " + l));
                try {
                    fh.nop(); // an idle programmer says nothing until asked
                } catch (LinkTimeoutException e) {
                    throw new LinkTimeoutException("neither a Sahara HELLO nor a Firehose answer from "
                            + link.describe() + ": power-cycle the device into download mode");
                }
                bannerDone = true;
            }
            default -> throw Downloader.notUsable(d, link, Protocol.QUALCOMM_EDL, hello);
        }
        fh.onLog(l -> out.trace("device: " + l));
        if (!bannerDone) {
            if (sierra) {
                fh.nop("ping");
            } else {
                fh.readBanner();
            }
        }
        String mem = sierra && "ufs".equals(memory) ? "nand" : memory.toLowerCase(Locale.ROOT);
        FirehoseSession.Configuration c = fh.configure(mem, false);
        out.note("firehose: " + c.memoryName() + ", payload " + c.maxPayloadToTarget() + " bytes");
        return fh;
    }
}
