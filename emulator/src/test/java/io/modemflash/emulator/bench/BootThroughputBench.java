package io.modemflash.emulator.bench;

import io.modemflash.emulator.EmulatedModem;
import io.modemflash.emulator.FaultPlan;
import io.modemflash.emulator.Profiles;
import io.modemflash.emulator.boot.BlockStorage;
import io.modemflash.images.cwe.CweBuilder;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.firehose.FirehoseSession;
import io.modemflash.qdl.hdlc.QdlImage;
import io.modemflash.qdl.hdlc.SierraQdlSession;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.sahara.SaharaImage;
import io.modemflash.qdl.sahara.SaharaSession;
import io.modemflash.vectors.samples.SamplePackages;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Device-side throughput (not run by {@code mvn verify}): an EDL raw program of N MiB into a
 * file-backed LUN, and a Sierra QDL image of N MiB into the image store, host sessions from
 * qdl on the other end; over the in-process face, or with {@code usbredir} as third argument
 * over the usbredir face (a unix socket, the test guest's bulk transfers of what the host
 * writes: what the device side costs a QEMU guest).
 * <pre>
 * mvn -o -q -B -pl emulator -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp emulator/target/classes:emulator/target/test-classes:$(cat emulator/target/cp.txt) \
 *     io.modemflash.emulator.bench.BootThroughputBench 256 3 [in-process|usbredir]
 * </pre>
 */
public final class BootThroughputBench {
    private static boolean usbredir;

    private BootThroughputBench() {
    }

    /** The host end of the download link, over the chosen face. */
    private static Link downloadLink(EmulatedModem modem, Path storage) throws Exception {
        if (usbredir) {
            return io.modemflash.emulator.usbredir.UsbRedirTestHost.downloadLink(modem,
                    storage.resolveSibling(storage.getFileName() + ".sock"));
        }
        modem.boot().enterDownloadMode();
        return modem.awaitDownloadMode(Duration.ofSeconds(10));
    }

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        usbredir = args.length > 2 && args[2].equals("usbredir");
        Path tmp = Files.createTempDirectory("boot-bench-");
        try {
            Path edl = SamplePackages.edl(tmp);
            for (int i = 0; i < runs; i++) {
                edlRaw(edl, tmp.resolve("edl" + i), mib);
            }
            for (int i = 0; i < runs; i++) {
                qdl(tmp.resolve("qdl" + i), mib);
            }
        } finally {
            try (var s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void edlRaw(Path edl, Path storage, int mib) throws Exception {
        long sectors = (long) mib * 256;
        BlockStorage.Geometry g = new BlockStorage.Geometry("ufs", 4096, List.of(sectors + 256));
        try (EmulatedModem modem = EmulatedModem.start(Profiles.EDL, FaultPlan.NONE, storage, g)) {
            Link link = downloadLink(modem, storage);
            SaharaSession s = new SaharaSession(link);
            s.awaitHello();
            s.uploadProgrammer(SaharaImage.open(edl.resolve(SamplePackages.EDL_PROGRAMMER)), Progress.NONE);
            FirehoseSession fh = new FirehoseSession(link, FirehoseSession.Options.DEFAULTS, s.takeBuffered());
            fh.readBanner();
            fh.configure("ufs", false);
            long bytes = sectors * 4096;
            long t0 = System.nanoTime();
            fh.program(new FirehoseSession.Region(4096, sectors, 0, "0"), "bench.img", Map.of(),
                    new PatternStream(bytes), bytes, Progress.NONE);
            report("edl raw program", bytes, t0);
        }
    }

    private static void qdl(Path storage, int mib) throws Exception {
        byte[] payload = new byte[mib << 20];
        new Random(7).nextBytes(payload);
        Path cwe = Files.write(storage.resolveSibling(storage.getFileName() + ".cwe"),
                CweBuilder.build(CweBuilder.leaf("SPKG", "9X30", "SWI9X30C_02.38.00.00", payload)));
        try (EmulatedModem modem = EmulatedModem.start(Profiles.MC7455, FaultPlan.NONE, storage)) {
            Link link = downloadLink(modem, storage);
            SierraQdlSession q = new SierraQdlSession(link);
            q.begin();
            long t0 = System.nanoTime();
            q.writeImage(QdlImage.cwe(cwe), Progress.NONE);
            report("sierra qdl image", Files.size(cwe), t0);
            q.reset();
        } finally {
            Files.deleteIfExists(cwe);
        }
    }

    private static void report(String what, long bytes, long t0) {
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%-18s %-10s %6d MiB in %6.2f s: %7.1f MB/s%n", what, usbredir ? "usbredir" : "in-process",
                bytes >> 20, s, bytes / s / 1e6);
    }

    /** Cheap non-constant data, so the sparse LUN file really gets written. */
    private static final class PatternStream extends InputStream {
        private long left;
        private byte v = 1;

        PatternStream(long n) {
            left = n;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return v++ & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                b[off + i] = v++;
            }
            left -= n;
            return n;
        }
    }
}
