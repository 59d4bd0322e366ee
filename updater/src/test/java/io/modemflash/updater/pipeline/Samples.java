package io.modemflash.updater.pipeline;

import io.modemflash.vectors.samples.SamplePackages;

import java.io.IOException;
import java.nio.file.Path;

/** The sample packages the update tests flash (test-vectors' SamplePackages). */
public record Samples(Path mc7455, Path em7565, Path edl) {
    public static Samples write(Path dir) throws IOException {
        return new Samples(SamplePackages.mc7455(dir), SamplePackages.em7565(dir), SamplePackages.edl(dir));
    }
}
