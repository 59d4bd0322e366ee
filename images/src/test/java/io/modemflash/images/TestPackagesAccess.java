package io.modemflash.images;

import java.io.IOException;
import java.nio.file.Path;

/** Lets tests in sub-packages use {@link TestPackages}. */
public final class TestPackagesAccess {
    private TestPackagesAccess() {
    }

    public static Path flatBuild(Path dir) throws IOException {
        return TestPackages.flatBuild(dir);
    }

    public static Path gobi(Path dir, boolean uqcn) throws IOException {
        return TestPackages.gobi(dir, uqcn);
    }

    public static byte[] programmer() {
        return TestPackages.programmer();
    }

    public static byte[] bytes(long seed, int n) {
        return TestPackages.bytes(seed, n);
    }
}
