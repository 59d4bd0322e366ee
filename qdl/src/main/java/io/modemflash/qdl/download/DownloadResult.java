package io.modemflash.qdl.download;

import io.modemflash.images.Protocol;
import io.modemflash.qdl.firehose.WriteVerifier;

import java.time.Duration;
import java.util.List;

/**
 * What a download did.
 *
 * @param protocol the flow that ran
 * @param startState what the device was doing at the start
 * @param images   every image in order, written or skipped
 * @param bytes    bytes of image data that crossed the link
 * @param duration wall time from detection to the reset request
 * @param reset    whether the device was told to reset
 * @param digests  the written regions whose SHA-256 the device confirmed (EDL with digest checks on)
 */
public record DownloadResult(Protocol protocol, DeviceState startState, List<ImageResult> images, long bytes,
                             Duration duration, boolean reset, List<WriteVerifier.Check> digests) {

    public DownloadResult {
        images = List.copyOf(images);
        digests = List.copyOf(digests);
    }

    /** One image: written (with its time) or skipped on the caller's word. */
    public record ImageResult(String image, String target, long bytes, Duration took, boolean skipped) {
    }

    public long written() {
        return images.stream().filter(i -> !i.skipped()).count();
    }

    /** Average image-data rate in bytes per second (0 for an instant run). */
    public double bytesPerSecond() {
        double s = duration.toNanos() / 1e9;
        return s <= 0 ? 0 : bytes / s;
    }
}
