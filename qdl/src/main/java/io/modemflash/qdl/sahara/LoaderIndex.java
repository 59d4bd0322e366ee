package io.modemflash.qdl.sahara;

import io.modemflash.images.elf.LoaderIdentity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Firehose loaders in directories, indexed by what their own hash segment says they are for
 * ({@link LoaderIdentity}: MSM id and the root certificate's hash); a chip's Sahara
 * {@link SaharaSession.ChipInfo} picks the ones that fit. Files that are not ELF or carry no
 * certificate chain are counted, never guessed at.
 */
public final class LoaderIndex {
    /** One loader file and the chips it is for. */
    public record Loader(Path file, LoaderIdentity identity) {
    }

    private final List<Path> dirs;
    private final List<Loader> loaders;
    private final int unidentified;

    private LoaderIndex(List<Path> dirs, List<Loader> loaders, int unidentified) {
        this.dirs = List.copyOf(dirs);
        this.loaders = List.copyOf(loaders);
        this.unidentified = unidentified;
    }

    /** The default places: the system's, then the user's. */
    public static List<Path> defaultDirs() {
        return List.of(Path.of("/usr/share/modemflash/loaders"),
                Path.of(System.getProperty("user.home"), ".local/share/modemflash/loaders"));
    }

    /** Reads every *.elf, *.mbn, *.melf and *.bin (two levels deep) of the directories that exist. */
    public static LoaderIndex scan(List<Path> dirs) throws IOException {
        List<Loader> found = new ArrayList<>();
        int skipped = 0;
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> s = Files.walk(d, 2)) {
                files = s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT)
                        .matches(".*\\.(elf|mbn|melf|bin)")).sorted(Comparator.comparing(Path::toString)).toList();
            }
            for (Path f : files) {
                var id = LoaderIdentity.read(f);
                if (id.isPresent()) {
                    found.add(new Loader(f, id.get()));
                } else {
                    skipped++;
                }
            }
        }
        return new LoaderIndex(dirs, found, skipped);
    }

    public List<Loader> loaders() {
        return loaders;
    }

    public boolean isEmpty() {
        return loaders.isEmpty();
    }

    /** Loaders for this chip (MSM id and PK hash), in file-name order. */
    public List<Loader> fitting(SaharaSession.ChipInfo chip) {
        if (chip.hwId() == null || chip.pkHash() == null) {
            return List.of();
        }
        return loaders.stream().filter(l -> l.identity().fits(chip.hwId().msmId(), chip.pkHash())).toList();
    }

    /** "3 loaders in /a, /b (1 file without a certificate chain)". */
    public String describe() {
        return loaders.size() + " loader" + (loaders.size() == 1 ? "" : "s") + " in " + String.join(", ",
                dirs.stream().map(Path::toString).toList()) + (unidentified == 0 ? "" : " (" + unidentified
                + " other file" + (unidentified == 1 ? "" : "s") + " without a certificate chain)");
    }

    /** "MSM 0x000CE0E1, PK hash a0a1..." for messages. */
    public static String describe(SaharaSession.ChipInfo chip) {
        return (chip.hwId() == null ? "no HW id" : String.format("MSM 0x%08X, OEM 0x%04X, model 0x%04X",
                chip.hwId().msmId(), chip.hwId().oemId(), chip.hwId().modelId())) + ", PK hash "
                + (chip.pkHash() == null ? "-" : HexFormat.of().formatHex(chip.pkHash()));
    }

    /** Why {@code loader} does not fit {@code chip}, or null when it does. */
    public static String mismatch(LoaderIdentity loader, SaharaSession.ChipInfo chip) {
        if (chip.hwId() == null || chip.pkHash() == null) {
            return null; // the chip does not say: nothing to hold against the loader
        }
        if (loader.msmId() == null || loader.msmId() != chip.hwId().msmId()) {
            return String.format("it is for MSM %s, the chip is 0x%08X", loader.msmId() == null ? "(not stated)"
                    : String.format("0x%08X", loader.msmId()), chip.hwId().msmId());
        }
        if (!java.util.Arrays.equals(loader.pkHash(chip.pkHash().length), chip.pkHash())) {
            return "it is signed with root key hash " + HexFormat.of().formatHex(loader.pkHash(chip.pkHash().length))
                    + ", the chip trusts " + HexFormat.of().formatHex(chip.pkHash());
        }
        return null;
    }
}
