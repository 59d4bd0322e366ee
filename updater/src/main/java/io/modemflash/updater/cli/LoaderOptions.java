package io.modemflash.updater.cli;

import io.modemflash.qdl.sahara.LoaderIndex;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Where Firehose loaders are looked up by the chip's identity (picocli mixin). */
public final class LoaderOptions {
    @Option(names = "--loaders", paramLabel = "DIR",
            description = "Where Firehose loaders are looked up by the chip's MSM id and PK hash, read from each "
                    + "loader's certificate chain (repeatable; default: /usr/share/modemflash/loaders and "
                    + "~/.local/share/modemflash/loaders).")
    List<Path> dirs;

    List<Path> dirs() {
        return dirs == null || dirs.isEmpty() ? LoaderIndex.defaultDirs() : dirs;
    }

    LoaderIndex index() throws IOException {
        return LoaderIndex.scan(dirs());
    }
}
