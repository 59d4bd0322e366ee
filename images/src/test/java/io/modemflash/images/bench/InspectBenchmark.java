package io.modemflash.images.bench;

import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.PackageImage;
import io.modemflash.images.elf.ElfWriter;
import io.modemflash.images.sparse.SparseWriter;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Inspect throughput and memory for 4 GiB images (DESIGN.md section 8: "a 4 GiB raw or
 * sparse image flashes with -Xmx64m"). Not a unit test: run it by hand.
 *
 * <pre>
 * images/bench.sh                                   # 4 GiB, temp dir removed after
 * BENCH_GIB=1 BENCH_DIR=/var/tmp/mf images/bench.sh  # 1 GiB, files kept
 * </pre>
 * Builds two flat builds in a temporary directory: one whose modem image is a 4 GiB raw
 * file, one whose system image is an Android sparse file with 4 GiB of RAW chunks. Both
 * files are sparse on disk (holes cost nothing, and read as zeros from the page cache, so
 * the figure is the host's CPU cost: SHA-256, marker scan, chunk walk). Each package is
 * inspected in a child JVM started with -Xmx64m; the harness prints MB/s and the child's
 * peak heap.
 */
public final class InspectBenchmark {
    private InspectBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--child")) {
            child(Path.of(args[1]));
            return;
        }
        long gib = Long.getLong("bench.gib", 4);
        String keep = System.getProperty("bench.dir", "");
        Path dir = keep.isEmpty() ? Files.createTempDirectory("modemflash-bench-") : Files.createDirectories(Path.of(keep));
        try {
            long size = gib << 30;
            Path raw = rawBuild(dir.resolve("raw"), size);
            Path sparse = sparseBuild(dir.resolve("sparse"), size);
            System.out.printf("inspect benchmark: %d GiB images, child JVM -Xmx64m, %s%n", gib, dir);
            // run 1 reads files just written (the kernel fills its page cache); run 2 is the
            // host's own cost (SHA-256 of every byte, marker scan, chunk walk)
            for (int run = 1; run <= 2; run++) {
                runChild("raw", raw);
                runChild("sparse", sparse);
            }
        } finally {
            if (keep.isEmpty()) {
                try (var s = Files.walk(dir)) {
                    for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    private static void runChild(String what, Path pkg) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), InspectBenchmark.class.getName(), "--child",
                pkg.toString()));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        int rc = p.waitFor();
        if (rc != 0) {
            System.out.printf("%-6s FAILED: child exited %d%n", what, rc);
            System.exit(1);
        }
    }

    /** Runs in the -Xmx64m child: opens (validates, hashes) the package and reports. */
    private static void child(Path pkg) throws IOException {
        long t0 = System.nanoTime();
        long bytes = 0;
        String detail;
        try (FirmwarePackage p = FirmwarePackage.open(pkg, Limits.defaults())) {
            for (PackageImage i : p.images()) {
                bytes += i.size();
            }
            PackageImage big = p.images().stream().max(java.util.Comparator.comparingLong(PackageImage::size)).orElseThrow();
            detail = big.name() + " " + big.type().label + (big.sparse() == null ? ""
                    : ", " + big.sparse().totalChunks() + " chunks, " + big.sparse().expandedSize() + " bytes expanded")
                    + ", firmware " + p.firmwareVersion();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("%-6s %6.2f GiB in %6.2f s = %7.1f MB/s (max heap %d MiB, peak heap used %.1f MiB) [%s]%n",
                pkg.getFileName(), bytes / (double) (1L << 30), s, bytes / 1e6 / s,
                Runtime.getRuntime().maxMemory() >> 20, peak / (double) (1 << 20), detail);
    }

    private static void common(Path d, String rawprogram) throws IOException {
        Files.createDirectories(d);
        Files.write(d.resolve("prog_firehose_ddr.elf"), ElfWriter.elf64(183, 0x14000000L, List.of(
                new ElfWriter.Seg(0, ElfWriter.QCOM_HASH_FLAGS, 0x1000, 0x14010000L, new byte[0x400], 0x1000),
                new ElfWriter.Seg(1, 5, 0x2000, 0x14000000L, new byte[0x1000], 0x1000))));
        Files.writeString(d.resolve("rawprogram0.xml"), rawprogram);
        Files.writeString(d.resolve("patch0.xml"), "<patches><patch SECTOR_SIZE_IN_BYTES=\"4096\" byte_offset=\"32\" "
                + "filename=\"DISK\" physical_partition_number=\"0\" size_in_bytes=\"8\" start_sector=\"1\" "
                + "value=\"NUM_DISK_SECTORS-1.\" what=\"x\"/></patches>");
    }

    /** modem.img: a hole of {@code size} bytes with the version marker near the end. */
    static Path rawBuild(Path d, long size) throws IOException {
        common(d, "<data><program SECTOR_SIZE_IN_BYTES=\"4096\" filename=\"modem.img\" label=\"modem\" "
                + "num_partition_sectors=\"0\" physical_partition_number=\"0\" start_sector=\"6\"/></data>");
        try (FileChannel ch = FileChannel.open(d.resolve("modem.img"), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            byte[] m = "QC_IMAGE_VERSION_STRING=MPSS.BENCH.1\0".getBytes(StandardCharsets.US_ASCII);
            ch.write(ByteBuffer.wrap(m), size - 4096);
            ch.truncate(size);
            if (ch.size() < size) {
                ch.write(ByteBuffer.allocate(1), size - 1);
            }
        }
        return d;
    }

    /** system.img: RAW chunks of 64 MiB (holes) totalling {@code size}, plus FILL, DONT_CARE, CRC32. */
    static Path sparseBuild(Path d, long size) throws IOException {
        common(d, "<data><program SECTOR_SIZE_IN_BYTES=\"4096\" filename=\"system.img\" label=\"system\" "
                + "sparse=\"true\" num_partition_sectors=\"0\" physical_partition_number=\"0\" start_sector=\"6\"/></data>");
        List<SparseWriter.Spec> chunks = new ArrayList<>();
        long blocksPerChunk = (64L << 20) / 4096;
        for (long done = 0; done < size; done += 64L << 20) {
            chunks.add(new SparseWriter.RawZeros(blocksPerChunk));
            chunks.add(new SparseWriter.Fill(0xFFFFFFFF, 16));
            chunks.add(new SparseWriter.DontCare(256));
        }
        chunks.add(new SparseWriter.Crc(0));
        SparseWriter.write(d.resolve("system.img"), 4096, chunks);
        return d;
    }
}
