package io.modemflash.qdl;

/** Progress of one image being streamed to the device; the CLI turns it into bars or JSON. */
@FunctionalInterface
public interface Progress {
    /** Called after every chunk the device accepted; {@code done == total} once the image is in. */
    void update(String image, long done, long total);

    Progress NONE = (image, done, total) -> { };
}
