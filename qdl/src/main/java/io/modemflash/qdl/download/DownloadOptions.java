package io.modemflash.qdl.download;

import io.modemflash.qdl.firehose.FirehoseSession;
import io.modemflash.qdl.hdlc.SierraQdlSession;
import io.modemflash.qdl.sahara.SaharaSession;

import java.util.Set;

/**
 * How a {@link Downloader} runs.
 *
 * @param sahara      Sahara for EDL devices (programmer upload; may write a byte to recover a lost HELLO)
 * @param sierraSahara Sahara for Sierra 9x50/SDX (never writes before the HELLO)
 * @param firehose    Firehose timeouts, ZLP policy and first payload size
 * @param qdl         Sierra/Gobi QDL timeouts and chunk size
 * @param memoryName  Firehose MemoryName for flat builds; null picks from the sector size
 *                    (512: emmc, otherwise ufs, then nand if the programmer refuses)
 * @param reset       reset the device after a successful download
 * @param skipImages  images already on the device (resume): Sierra images by name, flat-build
 *                    programs as {@link Downloader#flatImageKey}; Gobi packages are always
 *                    written whole
 * @param verifyDigests after each flat-build program, compare the device's SHA-256 of the
 *                    sectors written with the package's bytes (EDL; a mismatch stops the download)
 */
public record DownloadOptions(SaharaSession.Options sahara, SaharaSession.Options sierraSahara,
                              FirehoseSession.Options firehose, SierraQdlSession.Options qdl, String memoryName,
                              boolean reset, Set<String> skipImages, boolean verifyDigests) {

    public static final DownloadOptions DEFAULTS = new DownloadOptions(SaharaSession.Options.DEFAULTS,
            SaharaSession.Options.SIERRA_9X50, FirehoseSession.Options.DEFAULTS, SierraQdlSession.Options.DEFAULTS,
            null, true, Set.of(), true);

    public DownloadOptions {
        skipImages = Set.copyOf(skipImages);
    }

    public DownloadOptions withZeroLengthPackets(boolean zlp) {
        return withFirehose(new FirehoseSession.Options(firehose.timeouts(), zlp, firehose.requestedPayload()));
    }

    public DownloadOptions withSahara(SaharaSession.Options edl, SaharaSession.Options sierra) {
        return new DownloadOptions(edl, sierra, firehose, qdl, memoryName, reset, skipImages, verifyDigests);
    }

    public DownloadOptions withFirehose(FirehoseSession.Options f) {
        return new DownloadOptions(sahara, sierraSahara, f, qdl, memoryName, reset, skipImages, verifyDigests);
    }

    public DownloadOptions withQdl(SierraQdlSession.Options q) {
        return new DownloadOptions(sahara, sierraSahara, firehose, q, memoryName, reset, skipImages, verifyDigests);
    }

    public DownloadOptions withMemoryName(String name) {
        return new DownloadOptions(sahara, sierraSahara, firehose, qdl, name, reset, skipImages, verifyDigests);
    }

    public DownloadOptions withReset(boolean r) {
        return new DownloadOptions(sahara, sierraSahara, firehose, qdl, memoryName, r, skipImages, verifyDigests);
    }

    public DownloadOptions withSkipImages(Set<String> images) {
        return new DownloadOptions(sahara, sierraSahara, firehose, qdl, memoryName, reset, images, verifyDigests);
    }

    public DownloadOptions withVerifyDigests(boolean v) {
        return new DownloadOptions(sahara, sierraSahara, firehose, qdl, memoryName, reset, skipImages, v);
    }
}
