package io.modemflash.qdl.download;

/** Receives {@link DownloadEvent}s on the downloading thread; must return quickly. */
@FunctionalInterface
public interface DownloadListener {
    void on(DownloadEvent event);

    DownloadListener NONE = e -> { };
}
