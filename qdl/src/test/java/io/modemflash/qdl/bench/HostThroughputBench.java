package io.modemflash.qdl.bench;

import io.modemflash.qdl.Progress;
import io.modemflash.qdl.firehose.FirehoseSession;
import io.modemflash.qdl.firehose.FirehoseSession.Region;
import io.modemflash.qdl.hdlc.Hdlc;
import io.modemflash.qdl.hdlc.QdlCodec;
import io.modemflash.qdl.hdlc.QdlImage;
import io.modemflash.qdl.hdlc.QdlMessage;
import io.modemflash.qdl.hdlc.SierraQdlSession;
import io.modemflash.qdl.link.InMemoryLink;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.testutil.PeerIo;
import io.modemflash.qdl.testutil.PeerThread;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

/**
 * Host-side streaming throughput of Firehose raw program and Sierra QDL writes against an
 * in-memory sink peer (no link limit): what the host costs per byte. Not a unit test and
 * not run by {@code mvn verify}. Targets (DESIGN.md 8): Firehose raw >= 1 GB/s, QDL >= 500 MB/s.
 *
 * <pre>
 * mvn -o -q -B -pl qdl -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx64m -cp qdl/target/classes:qdl/target/test-classes:$(cat qdl/target/cp.txt) \
 *     io.modemflash.qdl.bench.HostThroughputBench [MiB per run, default 2048] [runs, default 3]
 * </pre>
 */
public final class HostThroughputBench {

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 2048;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long bytes = mib << 20;
        System.out.printf("image %d MiB, %d runs, max heap %d MiB%n", mib, runs, Runtime.getRuntime().maxMemory() >> 20);
        for (int i = 0; i < runs; i++) {
            report("firehose raw program", bytes, firehose(bytes));
        }
        long qdlBytes = Math.min(bytes, 0xFFFFFFFFL - 400); // QDL lengths are u32
        for (int i = 0; i < runs; i++) {
            report("sierra qdl write    ", qdlBytes, qdl(qdlBytes));
        }
    }

    private static void report(String what, long bytes, long nanos) {
        double s = nanos / 1e9;
        System.out.printf("%s: %7.1f MB/s (%6.1f MiB/s) in %.2f s%n", what, bytes / s / 1e6, bytes / s / (1 << 20), s);
    }

    /** An image of {@code total} bytes copied from a random 1 MiB pattern (memcpy like a page-cache read). */
    static InputStream image(long total) {
        byte[] pattern = new byte[1 << 20];
        new Random(1).nextBytes(pattern);
        return new InputStream() {
            long left = total;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(Math.min(len, left), pattern.length);
                System.arraycopy(pattern, 0, b, off, n);
                left -= n;
                return n;
            }
        };
    }

    static long firehose(long bytes) throws Exception {
        var pair = InMemoryLink.pair();
        var io = new PeerIo(pair.device());
        try (var peer = new PeerThread(() -> {
            readDocument(io);
            sendDoc(pair.device(), "<response value=\"ACK\" rawmode=\"true\" />");
            io.skip(bytes);
            sendDoc(pair.device(), "<response value=\"ACK\" rawmode=\"false\" />");
        })) {
            var s = new FirehoseSession(pair.host(), FirehoseSession.Options.DEFAULTS);
            long t0 = System.nanoTime();
            s.program(new Region(4096, bytes / 4096, 0, "0"), "bench.img", Map.of(), image(bytes), bytes, Progress.NONE);
            long t = System.nanoTime() - t0;
            peer.join();
            return t;
        }
    }

    static long qdl(long bytes) throws Exception {
        var pair = InMemoryLink.pair();
        var io = new PeerIo(pair.device());
        try (var peer = new PeerThread(() -> {
            frame(io); // open
            pair.device().write(Hdlc.frame(QdlCodec.encode(new QdlMessage.OpenRsp(0, 1, bytes))));
            long left = bytes;
            while (left > 0) {
                ByteBuffer h = ByteBuffer.wrap(io.readExactly(13)).order(ByteOrder.LITTLE_ENDIAN);
                int seq = h.getShort(1) & 0xffff;
                int size = h.getInt(7);
                io.skip(size);
                left -= size;
                pair.device().write(Hdlc.frame(QdlCodec.encode(new QdlMessage.WriteRsp(seq, 0, 0))));
            }
            frame(io); // close
            pair.device().write(Hdlc.frame(QdlCodec.encode(new QdlMessage.CloseRsp(0, 0x80, 0))));
        })) {
            var s = new SierraQdlSession(pair.host());
            var img = new QdlImage("bench.cwe", QdlMessage.IMAGE_CWE, new byte[400], bytes + 400, bytes, () -> image(bytes));
            long t0 = System.nanoTime();
            s.writeImage(img, Progress.NONE);
            long t = System.nanoTime() - t0;
            peer.join();
            return t;
        }
    }

    private static void frame(PeerIo io) throws IOException {
        while (io.readByte() == 0x7e) {
            // leading flag
        }
        io.readUntil(0x7e);
    }

    private static void readDocument(PeerIo io) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("</data>")) {
            sb.append((char) io.readByte());
        }
    }

    private static void sendDoc(Link link, String element) throws IOException {
        link.write(("<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data>" + element + "</data>")
                .getBytes(StandardCharsets.UTF_8));
    }
}
