package io.modemflash.updater.download;

import io.modemflash.images.archive.FileTrees;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profile;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.boot.BlockStorage;
import io.modemflash.emulator.boot.BootSide;
import io.modemflash.emulator.boot.DownloadMode;
import io.modemflash.emulator.qmi.QmiEngine;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.cwe.CweHeader;
import io.modemflash.images.elf.ElfWriter;
import io.modemflash.images.sparse.SparseWriter;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.download.DownloadOptions;
import io.modemflash.qdl.download.DownloadResult;
import io.modemflash.qdl.download.Downloader;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.sahara.SaharaImage;
import io.modemflash.qdl.sahara.SaharaSession;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Host-side download throughput against the in-process emulator (DESIGN.md section 8). Not a
 * test: run by bench/download-bench.sh. {@code prepare DIR} writes the packages (any heap);
 * {@code run DIR [runs]} flashes them (meant for -Xmx64m) and prints MB/s and peak heap.
 *
 * <p>The figures include the emulator's own work (parsing, writing its LUN files into the page
 * cache) in the same JVM on the same cores: the host code alone is faster.
 */
public final class DownloadBench {
    static final int SECTOR = 4096;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        long mib = Long.getLong("bench.mib", 1024);
        if (args[0].equals("prepare")) {
            prepare(dir, mib);
        } else {
            int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
            run(dir, runs, args.length > 3 ? List.of(args[3].split(",")) : List.of("raw", "sparse", "qdl", "sahara", "sparse4g"));
        }
    }

    // ------------------------------------------------------------------ packages

    static void prepare(Path dir, long mib) throws Exception {
        Files.createDirectories(dir);
        byte[] block = new byte[64 << 20];
        new Random(1).nextBytes(block);
        byte[] programmer = programmer(0x3000);
        // raw: one modem.img of mib MiB
        Path raw = Files.createDirectories(dir.resolve("raw"));
        Files.write(raw.resolve("prog_firehose_ddr.elf"), programmer);
        try (OutputStream o = Files.newOutputStream(raw.resolve("modem.img"))) {
            for (long left = mib << 20; left > 0; left -= block.length) {
                o.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        rawprogram(raw, "modem.img", false);
        // sparse: mib MiB expanded, alternating 64 MiB RAW and 64 MiB FILL
        sparse(dir.resolve("sparse"), programmer, block, mib, 0);
        // sparse4g: 4 GiB expanded: 1 GiB RAW, 1 GiB FILL, 2 GiB DONT_CARE
        sparse(dir.resolve("sparse4g"), programmer, block, 2048, 2048);
        // qdl: a 9X30 .spk with one BOOT image of mib/2 MiB (CRCs marked not valid: not checked)
        Path qdl = Files.createDirectories(dir.resolve("qdl"));
        long n = (mib / 2) << 20;
        try (OutputStream o = Files.newOutputStream(qdl.resolve("SWI9X30C_02.38.00.00_GENERIC_002.079_000.spk"))) {
            o.write(cweHeader("SPKG", CweHeader.SIZE + n));
            o.write(cweHeader("BOOT", n));
            for (long left = n; left > 0; left -= block.length) {
                o.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        // sahara: a programmer with a 32 MiB loadable segment
        Files.write(dir.resolve("programmer-32m.elf"), programmer(32 << 20));
    }

    static byte[] programmer(int loadBytes) {
        byte[] text = new byte[loadBytes];
        new Random(2).nextBytes(text);
        byte[] hash = new byte[0x6A8];
        new Random(3).nextBytes(hash);
        return ElfWriter.elf64(183, 0x14680000L, List.of(
                new ElfWriter.Seg(0, 0x07000000L, 0, 0, new byte[0], 0),
                new ElfWriter.Seg(0, ElfWriter.QCOM_HASH_FLAGS, 0x1000, 0x14690000L, hash, 0x1000),
                new ElfWriter.Seg(1, 0x80000005L, 0x2000, 0x14680000L, text, text.length)));
    }

    static void sparse(Path d, byte[] programmer, byte[] block, long dataMib, long dontCareMib) throws Exception {
        Files.createDirectories(d);
        Files.write(d.resolve("prog_firehose_ddr.elf"), programmer);
        List<SparseWriter.Spec> chunks = new ArrayList<>();
        long perChunk = block.length / SECTOR;
        for (long m = 0; m < dataMib; m += 128) {
            chunks.add(new SparseWriter.Raw(block));
            chunks.add(new SparseWriter.Fill(0x5A5A0FF0, perChunk));
        }
        if (dontCareMib > 0) {
            chunks.add(new SparseWriter.DontCare((dontCareMib << 20) / SECTOR));
        }
        SparseWriter.write(d.resolve("system.img"), SECTOR, chunks);
        rawprogram(d, "system.img", true);
    }

    static void rawprogram(Path d, String file, boolean sparse) throws Exception {
        Files.writeString(d.resolve("rawprogram0.xml"), "<?xml version=\"1.0\" ?>\n<data>\n"
                + "  <program SECTOR_SIZE_IN_BYTES=\"4096\" file_sector_offset=\"0\" filename=\"" + file
                + "\" label=\"bench\" num_partition_sectors=\"0\" physical_partition_number=\"0\" sparse=\""
                + sparse + "\" start_sector=\"8\" />\n</data>\n", StandardCharsets.UTF_8);
    }

    static byte[] cweHeader(String type, long size) {
        byte[] psb = new byte[CweHeader.PSB_SIZE];
        byte[] tag = ("PSB " + type).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tag, 0, psb, 0, tag.length);
        return new CweHeader(psb, 0, 3, 0, type, "9X30", size, 0, "SWI9X30C_02.38.00.00", "11/22/26", 0).toBytes();
    }

    // ------------------------------------------------------------------ runs

    static void run(Path dir, int runs, List<String> which) throws Exception {
        System.out.printf(Locale.ROOT, "max heap %d MiB, %d cores%n", Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        for (String w : which) {
            for (int i = 0; i < runs; i++) {
                switch (w) {
                    case "raw" -> report("firehose raw", flash(Profiles.EDL, dir.resolve("raw")));
                    // the same without the SHA-256 check of each program (--no-digest-verify): its cost
                    case "raw-nodigest" -> report("firehose raw, no digest", flash(Profiles.EDL, dir.resolve("raw"),
                            DownloadOptions.DEFAULTS.withVerifyDigests(false)));
                    case "sparse-nodigest" -> report("firehose sparse, no dig.", flash(Profiles.EDL,
                            dir.resolve("sparse"), DownloadOptions.DEFAULTS.withVerifyDigests(false)));
                    case "sparse" -> report("firehose sparse", flash(Profiles.EDL, dir.resolve("sparse")));
                    case "sparse4g" -> report("firehose sparse 4 GiB", flash(Profiles.EDL, dir.resolve("sparse4g")));
                    case "qdl" -> report("sierra qdl", flash(Profiles.MC7455, dir.resolve("qdl")));
                    case "sahara" -> sahara(dir.resolve("programmer-32m.elf"));
                    default -> throw new IllegalArgumentException(w);
                }
            }
        }
        // The bound itself is the figure: every run above completed under -Xmx. (Pool peaks say
        // little here: G1 puts the 1 MiB transfer buffers straight into old regions as humongous.)
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "heap: all runs completed with -Xmx %d MiB; live after GC %d MiB%n",
                rt.maxMemory() >> 20, (rt.totalMemory() - rt.freeMemory()) >> 20);
    }

    /** A boot side whose LUN 0 holds 5 GiB (the built-in profile has 8 MiB LUNs). */
    static BootSide bootSide(Profile p, Path storage) throws Exception {
        BlockStorage.Geometry big = new BlockStorage.Geometry("ufs", SECTOR, List.of((5L << 30) / SECTOR));
        return new BootSide(p, new QmiEngine(p, FaultPlan.NONE), FaultPlan.NONE, DownloadMode.of(p, big), storage,
                s -> { });
    }

    static DownloadResult flash(Profile p, Path pkgDir) throws Exception {
        return flash(p, pkgDir, DownloadOptions.DEFAULTS);
    }

    static DownloadResult flash(Profile p, Path pkgDir, DownloadOptions options) throws Exception {
        Path storage = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "bench-storage-");
        try (BootSide boot = bootSide(p, storage);
             FirmwarePackage pkg = FirmwarePackage.open(pkgDir, Limits.defaults())) {
            boot.enterDownloadMode();
            Link link = boot.awaitBootLink(Duration.ofSeconds(10));
            DownloadResult r = new Downloader(options, e -> { }).download(pkg, link);
            boot.awaitApplicationMode(Duration.ofSeconds(60));
            return r;
        } finally {
            FileTrees.delete(storage);
        }
    }

    static void sahara(Path elf) throws Exception {
        Path storage = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "bench-storage-");
        try (BootSide boot = bootSide(Profiles.EDL, storage); SaharaImage img = SaharaImage.open(elf)) {
            boot.enterDownloadMode();
            Link link = boot.awaitBootLink(Duration.ofSeconds(10));
            SaharaSession s = new SaharaSession(link);
            s.awaitHello();
            long t0 = System.nanoTime();
            long[] served = {0};
            s.uploadProgrammer(img, (Progress) (n, done, total) -> served[0] = done);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%-24s %8.1f MiB in %6.2f s = %7.1f MB/s%n", "sahara serving",
                    served[0] / 1048576.0, secs, served[0] / secs / 1e6);
            link.close();
        } finally {
            FileTrees.delete(storage);
        }
    }

    /**
     * Two rates: "stream" counts only the image transfers (what DESIGN.md 8 bounds); "run" is the
     * whole download, including fixed waits such as the QDL flow's 600 ms listen for a Sahara
     * HELLO before it says anything, which would dominate a small image's figure.
     */
    static void report(String what, DownloadResult r) {
        double secs = r.duration().toNanos() / 1e9;
        double streamSecs = r.images().stream().mapToLong(i -> i.took().toNanos()).sum() / 1e9;
        System.out.printf(Locale.ROOT, "%-24s %8.1f MiB: stream %6.2f s = %7.1f MB/s, run %6.2f s = %7.1f MB/s (%d images)%n",
                what, r.bytes() / 1048576.0, streamSecs, r.bytes() / streamSecs / 1e6, secs, r.bytes() / secs / 1e6,
                r.written());
    }

}
