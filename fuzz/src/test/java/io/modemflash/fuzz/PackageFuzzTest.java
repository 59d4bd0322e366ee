package io.modemflash.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.modemflash.images.BadPackageException;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.elf.ElfImage;
import io.modemflash.images.sparse.SparseImage;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Fuzz targets for everything a firmware package brings in: CWE header trees, Android sparse
 * images, ELF programmers, rawprogram and patch XML (in a flat build) and archive extraction of
 * every format. The contract: a package opens, or is refused with a BadPackageException
 * (exit 5, one line); nothing else escapes (no runtime exception, no OutOfMemoryError in the
 * fuzzer's 512 MiB heap, no hang), and a refused archive leaves no temporary directory.
 */
class PackageFuzzTest {
    private static final String[] ARCHIVE_NAMES = {"p.zip", "p.tar", "p.tar.gz", "p.tar.xz", "p.7z"};
    private static Path dir;

    private static synchronized Path dir() throws IOException {
        if (dir == null) {
            Path shm = Path.of("/dev/shm");
            dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "modemflash-fuzz-")
                    : Files.createTempDirectory("modemflash-fuzz-");
            SeedCorpus.flatBuildWithoutXml(dir.resolve("flat"));
        }
        return dir;
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (dir != null) {
            io.modemflash.images.archive.FileTrees.delete(dir);
            dir = null;
        }
    }

    @FuzzTest
    void cwe(byte[] data) throws Exception {
        open(Files.write(dir().resolve("SWI9X30C_02.38.00.00.cwe"), data));
    }

    @FuzzTest
    void sparse(byte[] data) throws Exception {
        Path f = Files.write(dir().resolve("system.img"), data);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            SparseImage s = SparseImage.parse(ch, "system.img");
            SparseImage.forEach(ch, s, "system.img", c -> {
            });
        } catch (BadPackageException expected) {
            oneLine(expected);
        }
    }

    @FuzzTest
    void elf(byte[] data) throws Exception {
        Path f = Files.write(dir().resolve("prog_firehose_ddr.elf"), data);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ElfImage e = ElfImage.parse(ch, "prog_firehose_ddr.elf");
            e.requireSaharaLoadable(ch.size(), "prog_firehose_ddr.elf");
        } catch (BadPackageException expected) {
            oneLine(expected);
        }
    }

    /** The input is rawprogram0.xml of a flat build whose images are real. */
    @FuzzTest
    void rawprogram(byte[] data) throws Exception {
        Path flat = dir().resolve("flat");
        Files.write(flat.resolve("rawprogram0.xml"), data);
        open(flat);
    }

    /** The input is patch0.xml of the same flat build (with a valid rawprogram0.xml). */
    @FuzzTest
    void patch(byte[] data) throws Exception {
        Path flat = dir().resolve("flat");
        Files.writeString(flat.resolve("rawprogram0.xml"), SeedCorpus.RAWPROGRAM);
        Path patch = Files.write(flat.resolve("patch0.xml"), data);
        try {
            open(flat);
        } finally {
            Files.delete(patch);
        }
    }

    /** The first byte picks the format (zip, tar, tar.gz, tar.xz, 7z); the rest is the archive. */
    @FuzzTest
    void archive(byte[] data) throws Exception {
        if (data.length == 0) {
            return;
        }
        String name = ARCHIVE_NAMES[(data[0] & 0xff) % ARCHIVE_NAMES.length];
        Path f = Files.write(dir().resolve(name), Arrays.copyOfRange(data, 1, data.length));
        long before = tempDirs();
        open(f);
        assertEquals(before, tempDirs(), "a package's temporary directory outlived it");
    }

    private static void open(Path pkg) throws IOException {
        try (FirmwarePackage p = FirmwarePackage.open(pkg, Limits.defaults())) {
            p.images();
        } catch (BadPackageException expected) {
            oneLine(expected);
        }
    }

    private static void oneLine(BadPackageException e) {
        assertFalse(e.getMessage() == null || e.getMessage().isBlank());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private static long tempDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("modemflash-pkg-")).count();
        }
    }
}
