package io.modemflash.qdl.download;

import java.time.Duration;

/**
 * What a {@link Downloader} reports while it works. The CLI renders these as progress lines
 * or JSON events; the update pipeline's journal records {@link ImageDone} to resume.
 */
public sealed interface DownloadEvent {

    /** A step of the download began: detect, sahara, firehose, qdl, program, patch, reset. */
    record Stage(String stage, String detail) implements DownloadEvent {
    }

    /**
     * An image (a CWE file, a flat-build program, a Gobi .mbn) starts.
     *
     * @param image  file name in the package
     * @param target where it goes: a partition label, "LUN 1 sector 8", or null
     * @param bytes  bytes that will cross the link (sectors rounded up); -1 when unknown
     */
    record ImageStarted(String image, String target, long bytes) implements DownloadEvent {
    }

    /** Bytes of the current image the device has accepted so far. */
    record ImageProgress(String image, long done, long total) implements DownloadEvent {
    }

    /** An image is completely on the device (the device acknowledged its end). */
    record ImageDone(String image, String target, long bytes, Duration took) implements DownloadEvent {
    }

    /** An image left out because the caller said it is already on the device. */
    record ImageSkipped(String image, String reason) implements DownloadEvent {
    }

    /** A device log line (Firehose {@code <log>}) or a note of the downloader. */
    record Log(String text) implements DownloadEvent {
    }

    /** Something the user should know that does not stop the download. */
    record Warning(String text) implements DownloadEvent {
    }
}
