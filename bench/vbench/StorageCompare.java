import io.modemflash.vectors.samples.ExpectedStorage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The bench's storage check, run on the host in source-file mode:
 * {@code java -cp updater/target/modemflash.jar bench/vbench/StorageCompare.java edl PACKAGE_DIR STORAGE_DIR}
 * compares the emulator's LUN files with test-vectors' ExpectedStorage for the flat build;
 * {@code ... cwe STORAGE_DIR IMAGE...} compares storage/cwe/NNN-*.cwe with the images in order.
 * Prints one line per LUN or image; exits 1 on the first difference.
 */
public final class StorageCompare {
    public static void main(String[] args) throws Exception {
        boolean same = args[0].equals("edl") ? edl(Path.of(args[1]), Path.of(args[2]))
                : cwe(Path.of(args[1]), Arrays.copyOfRange(args, 2, args.length));
        System.exit(same ? 0 : 1);
    }

    private static boolean edl(Path pkg, Path storage) throws Exception {
        boolean same = true;
        for (Map.Entry<Integer, byte[]> lun : ExpectedStorage.forSample(pkg).entrySet()) {
            Path img = storage.resolve("lun" + lun.getKey() + ".img");
            byte[] got = Files.exists(img) ? Files.readAllBytes(img) : new byte[0];
            long at = Arrays.mismatch(got, lun.getValue());
            System.out.println(img + (at < 0 ? ": equals the expected LUN " : ": differs from the expected LUN ")
                    + lun.getKey() + (at < 0 ? "" : " at byte " + at) + " (" + got.length + " bytes)");
            same &= at < 0;
        }
        return same;
    }

    private static boolean cwe(Path storage, String[] images) throws Exception {
        Path[] stored;
        try (var s = Files.list(storage.resolve("cwe"))) {
            stored = s.filter(p -> p.toString().endsWith(".cwe")).sorted().toArray(Path[]::new);
        }
        boolean same = stored.length == images.length;
        System.out.println(stored.length + " images stored, " + images.length + " in the package");
        for (int i = 0; i < Math.min(stored.length, images.length); i++) {
            long at = Arrays.mismatch(Files.readAllBytes(stored[i]), Files.readAllBytes(Path.of(images[i])));
            System.out.println(stored[i].getFileName() + (at < 0 ? " equals " : " differs (at byte " + at + ") from ")
                    + images[i]);
            same &= at < 0;
        }
        return same;
    }
}
