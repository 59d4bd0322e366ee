package io.modemflash.qdl.download;

import java.io.IOException;
import java.util.List;

/**
 * A download stopped. The message names the stage and image; the cause is the session's
 * exception (its type decides the exit code). {@link #completed()} lists the images that
 * were fully written before, for the caller's resume journal.
 */
public class DownloadException extends IOException {
    private final String stage;
    private final String image;
    private final List<String> completed;

    public DownloadException(String stage, String image, List<String> completed, IOException cause) {
        super(message(stage, image, cause), cause);
        this.stage = stage;
        this.image = image;
        this.completed = List.copyOf(completed);
    }

    private static String message(String stage, String image, IOException cause) {
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return (image == null ? stage : stage + " of " + image) + ": " + why;
    }

    public String stage() {
        return stage;
    }

    /** The image being written when it stopped, or null. */
    public String image() {
        return image;
    }

    public List<String> completed() {
        return completed;
    }
}
