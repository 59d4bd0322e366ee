package io.modemflash.qdl.firehose;

import io.modemflash.images.flat.FlatOp;
import io.modemflash.images.sparse.SparseImage;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.link.ChannelRangeStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Proves a program landed: asks the programmer for the SHA-256 of the sectors just written
 * ({@code getsha256digest}, or a read-back when the programmer does not list it) and compares
 * it with the SHA-256 of the bytes the host sent there: the file's bytes zero-padded to whole
 * sectors, or for a sparse image each RAW/FILL run expanded. The host hashes its side while the
 * device hashes its own.
 */
public final class WriteVerifier {

    /** One region compared: what was written where, the two digests (lower-case hex). */
    public record Check(String what, int lun, String startSector, long sectors, String expected, String device,
                        String method) {
        public boolean matches() {
            return expected.equals(device);
        }
    }

    private final FirehoseSession session;

    public WriteVerifier(FirehoseSession session) {
        this.session = session;
    }

    /** How the device is asked: "getsha256digest" when it lists it (or lists nothing), else "read". */
    public String method() {
        var f = session.supportedFunctions();
        return f.isEmpty() || f.contains("getsha256digest") ? "getsha256digest" : "read";
    }

    /**
     * Checks every region {@code p} wrote; {@code what} names it in messages ("modem.img -> modem").
     * Returns the checks; the first mismatch is thrown.
     */
    public List<Check> verify(FlatOp.Program p, String what) throws IOException {
        List<Check> out = new ArrayList<>();
        int ss = p.sectorSize();
        if (!p.sparse()) {
            long bytes = p.fileBytes();
            long offset = p.fileSectorOffset() * ss;
            var region = new FirehoseSession.Region(ss, p.sectorsToWrite(), p.lun(), p.startSector().text());
            out.add(check(what, region, () -> {
                try (FileChannel ch = p.image().openChannel()) {
                    return hash(new ChannelRangeStream(ch, offset, bytes), region.bytes());
                }
            }));
            return out;
        }
        List<FlatOp.SparseRun> runs = new ArrayList<>();
        p.forEachSparseRun(runs::add);
        for (FlatOp.SparseRun r : runs) {
            long len = r.sectors() * ss;
            var region = new FirehoseSession.Region(ss, r.sectors(), p.lun(), Long.toString(r.startSector()));
            out.add(check(what, region, () -> {
                if (r.chunk().type() == SparseImage.ChunkType.FILL) {
                    return hash(new FirehoseSession.FillStream(r.chunk().value(), len), len);
                }
                try (FileChannel ch = p.image().openChannel()) {
                    return hash(new ChannelRangeStream(ch, r.chunk().dataOffset(), len), len);
                }
            }));
        }
        return out;
    }

    /** Checks a raw file written whole at {@code region} (its last sector zero-padded). */
    public Check verifyFile(String what, java.nio.file.Path file, FirehoseSession.Region region) throws IOException {
        return check(what, region, () -> {
            try (FileChannel ch = FileChannel.open(file)) {
                return hash(new ChannelRangeStream(ch, 0, Math.min(ch.size(), region.bytes())), region.bytes());
            }
        });
    }

    private interface LocalDigest {
        String compute() throws IOException;
    }

    private Check check(String what, FirehoseSession.Region region, LocalDigest local) throws IOException {
        FutureTask<String> mine = new FutureTask<>(local::compute);
        Thread t = new Thread(mine, "digest " + what);
        t.setDaemon(true);
        t.start();
        String method = method();
        String device;
        try {
            device = method.equals("getsha256digest") ? session.sha256(region) : readBack(region);
        } catch (IOException | RuntimeException e) {
            mine.cancel(true);
            throw e;
        }
        String expected;
        try {
            expected = mine.get();
        } catch (InterruptedException e) {
            mine.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing " + what);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        }
        Check c = new Check(what, region.lun(), region.startSector(), region.numSectors(), expected, device, method);
        if (!c.matches()) {
            throw new DigestMismatchException(c);
        }
        return c;
    }

    private String readBack(FirehoseSession.Region region) throws IOException {
        MessageDigest md = sha256();
        try (OutputStream o = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
            session.read(region, o, Progress.NONE);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** SHA-256 of {@code in}'s bytes followed by zeros up to {@code total} (the sector padding). */
    static String hash(InputStream in, long total) throws IOException {
        MessageDigest md = sha256();
        byte[] b = new byte[1 << 20];
        long done = 0;
        for (int n; done < total && (n = in.read(b, 0, (int) Math.min(b.length, total - done))) > 0; ) {
            md.update(b, 0, n);
            done += n;
        }
        java.util.Arrays.fill(b, (byte) 0);
        while (done < total) {
            int n = (int) Math.min(b.length, total - done);
            md.update(b, 0, n);
            done += n;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
