package io.modemflash.updater.cli;

import io.modemflash.images.archive.FileTrees;
import com.fasterxml.jackson.databind.JsonNode;
import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.PtyFace;
import io.modemflash.images.cwe.CweBuilder;
import io.modemflash.vectors.samples.SamplePackages;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * `modemflash update` of one emulated MC7455 and of several at once, through the pty face:
 * the modems share one DIR (as `emulate --pty DIR` processes would), and one in-process CLI
 * run `update PKG -d DEV1 -d DEV2 ...` follows each through download mode (Sierra QDL/HDLC
 * on its tty), the reboot and the verification. Not a test: run by bench/parallel-bench.sh.
 *
 * <p>Args: {@code DIR [runs] [counts]} (counts e.g. "1,4"); {@code -Dbench.mib=N} sizes the
 * package's modem image. Wall time is the whole CLI run (inspect to the last result, with the
 * emulator's re-enumeration gaps and reset linger); the download stage is the flashing alone.
 * The emulators run in the same JVM, on the same cores, as the updater.
 */
public final class ParallelUpdateBench {
    /** One CLI run: wall time, bytes flashed (all modems), each modem's download-stage time. */
    record Run(int modems, double wallSeconds, long bytes, List<Double> downloadSeconds) {
        double mbPerSecond() {
            return bytes / wallSeconds / 1e6;
        }

        /** All bytes over the slowest modem's download stage (they run side by side, not in step). */
        double downloadMbPerSecond() {
            return bytes / downloadSeconds.stream().mapToDouble(Double::doubleValue).max().orElseThrow() / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int[] counts = Arrays.stream((args.length > 2 ? args[2] : "1,4").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        Path pkg = writePackage(dir.resolve("pkg"), Long.getLong("bench.mib", 64));
        System.out.printf(Locale.ROOT, "package %s: %.1f MiB; %d cores, max heap %d MiB%n", pkg.getFileName(),
                Files.size(pkg) / 1048576.0, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        print("warm-up", run(dir, pkg, 1)); // JIT and page cache: not counted
        List<List<Run>> all = new ArrayList<>();
        for (int modems : counts) {
            List<Run> these = new ArrayList<>();
            for (int i = 1; i <= runs; i++) {
                Run r = run(dir, pkg, modems);
                print(modems + (modems == 1 ? " modem " : " modems") + " run " + i, r);
                these.add(r);
            }
            all.add(these);
        }
        System.out.println("median of " + runs + " runs:");
        for (List<Run> these : all) {
            Run m = these.stream().sorted((a, b) -> Double.compare(a.wallSeconds(), b.wallSeconds()))
                    .toList().get(these.size() / 2);
            System.out.printf(Locale.ROOT, "  %d %-6s %6.2f s wall, %7.1f MB, %6.1f MB/s %s (over the slowest download stage: %5.1f MB/s)%n",
                    m.modems(), m.modems() == 1 ? "modem" : "modems", m.wallSeconds(), m.bytes() / 1e6,
                    m.mbPerSecond(), m.modems() == 1 ? "single   " : "aggregate", m.downloadMbPerSecond());
        }
    }

    private static void print(String what, Run r) {
        double slowest = r.downloadSeconds().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double fastest = r.downloadSeconds().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        System.out.printf(Locale.ROOT, "%-16s wall %6.2f s, %7.1f MB flashed, %6.1f MB/s%s; download stage %.2f-%.2f s%n",
                what, r.wallSeconds(), r.bytes() / 1e6, r.mbPerSecond(), r.modems() == 1 ? "" : " aggregate",
                fastest, slowest);
    }

    /** Updates {@code modems} fresh MC7455s on one shared pty DIR in one CLI run, then checks their flash. */
    static Run run(Path dir, Path pkg, int modems) throws Exception {
        Path work = dir.resolve("run");
        FileTrees.delete(work);
        List<EmulatedModem> started = new ArrayList<>();
        try {
            List<String> args = new ArrayList<>(List.of("update", pkg.toString()));
            for (int i = 0; i < modems; i++) {
                EmulatedModem m = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, work.resolve("storage" + i));
                started.add(m);
                PtyFace face = m.publishPty(work.resolve("pty"));
                args.addAll(List.of("-d", face.qmiDevice().toString()));
            }
            Path pty = work.resolve("pty");
            args.addAll(List.of("--json", "--sysfs-root", pty.toString(), "--dev-root", pty.toString(),
                    "--state-dir", work.resolve("state").toString(), "--poll-ms", "20", "--modem-retry-ms", "100"));
            long t0 = System.nanoTime();
            CliRun r = CliRun.of(args.toArray(String[]::new));
            double wall = (System.nanoTime() - t0) / 1e9;
            if (r.code() != 0) {
                throw new IllegalStateException("update failed (exit " + r.code() + "): " + r.err());
            }
            long bytes = 0;
            List<Double> download = new ArrayList<>();
            for (JsonNode e : r.events()) {
                String event = e.path("event").asText();
                if (event.equals("result")) {
                    bytes += e.path("bytes").asLong();
                } else if (event.equals("stage-end") && e.path("stage").asText().equals("download")) {
                    download.add(e.path("ms").asLong() / 1000.0);
                }
            }
            for (int i = 0; i < modems; i++) {
                checkFlash(pkg, work.resolve("storage" + i + "/cwe/001-SPKG.cwe"));
            }
            return new Run(modems, wall, bytes, download);
        } finally {
            for (EmulatedModem m : started) {
                m.close();
            }
            FileTrees.delete(work);
        }
    }

    /** The modem holds the package byte for byte (compared in 1 MiB blocks: no whole-file copies). */
    private static void checkFlash(Path pkg, Path stored) throws IOException {
        try (InputStream a = Files.newInputStream(pkg); InputStream b = Files.newInputStream(stored)) {
            byte[] x = new byte[1 << 20];
            byte[] y = new byte[1 << 20];
            while (true) {
                int n = a.readNBytes(x, 0, x.length);
                int m = b.readNBytes(y, 0, y.length);
                if (n != m || !Arrays.equals(x, 0, n, y, 0, m)) {
                    throw new IllegalStateException(stored + " differs from the package");
                }
                if (n == 0) {
                    return;
                }
            }
        }
    }

    /**
     * The MC7455 sample's layout (SPKG: BOOT, APPL, MODM, NVUP) with a MODM of {@code mib} MiB,
     * so the emulator installs and reports its version; kept when already there.
     */
    static Path writePackage(Path dir, long mib) throws IOException {
        Path file = dir.resolve(mib + "MiB/" + SamplePackages.MC7455_FILE);
        if (Files.exists(file)) {
            return file;
        }
        byte[] modem = new byte[Math.toIntExact(mib << 20)];
        new Random(7455).nextBytes(modem);
        String fw = "SWI9X30C_" + SamplePackages.MC7455_FIRMWARE;
        String pri = "9999999_9904609_" + fw + "_00_" + SamplePackages.MC7455_CARRIER + "_"
                + SamplePackages.MC7455_CONFIG;
        CweBuilder.Node tree = CweBuilder.parent("SPKG", "9X30", fw,
                CweBuilder.leaf("BOOT", "9X30", fw, Arrays.copyOf(modem, 24 * 1024)),
                CweBuilder.parent("APPL", "9X30", fw, CweBuilder.leaf("APPS", "9X30", fw, new byte[40 * 1024])),
                CweBuilder.leaf("MODM", "9X30", fw, modem),
                CweBuilder.parent("NVUP", "9X30", pri,
                        CweBuilder.leaf("FILE", "9X30", "NVUP_" + SamplePackages.MC7455_CARRIER, new byte[3000])));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, CweBuilder.build(tree));
        return Files.move(tmp, file);
    }

}
