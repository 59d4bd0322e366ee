package io.modemflash.qdl.hdlc;

import io.modemflash.qdl.NotInDownloadModeException;
import io.modemflash.qdl.ProtocolException;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.hdlc.QdlMessage.CloseRsp;
import io.modemflash.qdl.hdlc.QdlMessage.CloseUnframed;
import io.modemflash.qdl.hdlc.QdlMessage.DiagBadCommand;
import io.modemflash.qdl.hdlc.QdlMessage.DloadAck;
import io.modemflash.qdl.hdlc.QdlMessage.DloadSdp;
import io.modemflash.qdl.hdlc.QdlMessage.Hello;
import io.modemflash.qdl.hdlc.QdlMessage.HelloRsp;
import io.modemflash.qdl.hdlc.QdlMessage.OpenRsp;
import io.modemflash.qdl.hdlc.QdlMessage.OpenUnframed;
import io.modemflash.qdl.hdlc.QdlMessage.Reset;
import io.modemflash.qdl.hdlc.QdlMessage.WriteRsp;
import io.modemflash.qdl.link.ChunkPrefetcher;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.link.LinkTimeoutException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Host side of Sierra QDL (9x15/9x30 boot-and-hold, Gobi): optional DLOAD SDP, hello version
 * probe, then per image open-unframed / write-unframed chunks (stop-and-wait) / close, and a
 * final reset. Not thread-safe: one session per link.
 */
public final class SierraQdlSession {

    /**
     * @param responseTimeoutMs     wait for an ordinary answer (open, chunk ACK, SDP)
     * @param lastChunkAckTimeoutMs wait for the ACK of the last chunk and the close answer
     *                              (flash commit: ~50 s seen on an MC7455)
     * @param helloTimeoutMs        wait for each hello version before trying the next
     * @param chunkSize             write-unframed chunk size (1 MiB)
     * @param helloVersions         versions to offer, in order
     */
    public record Options(long responseTimeoutMs, long lastChunkAckTimeoutMs, long helloTimeoutMs, int chunkSize,
                          int[] helloVersions) {
        public static final Options DEFAULTS = new Options(10_000, 120_000, 3_000, 1 << 20, new int[] {6, 5, 4});

        public Options {
            if (chunkSize <= 0 || helloVersions.length == 0) {
                throw new IllegalArgumentException("bad QDL options");
            }
            helloVersions = helloVersions.clone();
        }

        public Options withLastChunkAckTimeout(long ms) {
            return new Options(responseTimeoutMs, ms, helloTimeoutMs, chunkSize, helloVersions);
        }
    }

    private final Link link;
    private final Options options;
    private Hdlc.Deframer deframer = new Hdlc.Deframer(64 * 1024);
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private final byte[] readBuffer = new byte[4096];
    private int version;

    public SierraQdlSession(Link link, Options options) {
        this.link = link;
        this.options = options;
        link.setZeroLengthPackets(false);
    }

    public SierraQdlSession(Link link) {
        this(link, Options.DEFAULTS);
    }

    /**
     * Sends DLOAD SDP. Returns true on ACK, false when the device says "not supported"
     * (nothing to switch: carry on with hello).
     *
     * @throws NotInDownloadModeException when a DIAG port answers
     */
    public boolean sdp() throws IOException {
        return sdp(options.responseTimeoutMs());
    }

    private boolean sdp(long timeoutMs) throws IOException {
        send(new DloadSdp());
        QdlMessage m = receive(timeoutMs, "DLOAD SDP");
        if (m instanceof DloadAck) {
            return true;
        }
        if (m instanceof QdlMessage.Error e && e.code() == QdlError.COMMAND_UNSUPPORTED.code) {
            return false;
        }
        throw unexpected(m, "DLOAD SDP");
    }

    /**
     * The usual start: DLOAD SDP (skipped when not supported), then the hello probe. A device
     * that does not answer SDP promptly may still be inside a transfer a previous host left
     * (it swallows everything as chunk data): it is resynchronised first ({@link #resync}).
     * The device keeps an unfinished image open until a new hello starts a new session.
     *
     * @return the hello answer; {@link #resynced()} says whether a resync was needed
     */
    public HelloRsp begin() throws IOException {
        drain(200); // answers a killed host never read
        try {
            sdp(Math.min(options.responseTimeoutMs(), SDP_PROBE_MS));
        } catch (LinkTimeoutException e) {
            resync();
            sdp();
        }
        return hello();
    }

    /** How long the first SDP may take before the device counts as stuck in a transfer. */
    static final long SDP_PROBE_MS = 2_000;
    private static final byte[] FLAGS = flags();
    private boolean resynced;

    private static byte[] flags() {
        byte[] b = new byte[4096];
        Arrays.fill(b, (byte) Hdlc.FLAG);
        return b;
    }

    /**
     * Feeds HDLC flags until the device answers: a device waiting for the rest of a
     * write-unframed header or chunk (up to one chunk and its header) takes them as data and
     * then answers (a write response or an error); to a device waiting for a frame they are
     * empty frames, ignored. Its answers are then discarded.
     */
    public void resync() throws IOException {
        resynced = true;
        long limit = options.chunkSize() + QdlCodec.WRITE_HEADER_LENGTH + 2L * FLAGS.length;
        for (long sent = 0; sent < limit; sent += FLAGS.length) {
            link.write(FLAGS, 0, FLAGS.length);
            if (link.read(readBuffer, 0, readBuffer.length, 2) > 0) {
                break;
            }
        }
        drain(300);
    }

    /** Whether {@link #begin()} had to resynchronise a device left mid-transfer. */
    public boolean resynced() {
        return resynced;
    }

    /** Discards what the device sent until the link is quiet for idleMs. */
    private void drain(long idleMs) throws IOException {
        while (link.read(readBuffer, 0, readBuffer.length, idleMs) > 0) {
            // a previous host's unread answers
        }
        frames.clear();
        deframer = new Hdlc.Deframer(64 * 1024);
    }

    /** Offers each hello version in turn; returns the device's answer to the first accepted. */
    public HelloRsp hello() throws IOException {
        ProtocolException lastError = null;
        for (int v : options.helloVersions()) {
            send(Hello.forVersion(v));
            QdlMessage m;
            try {
                m = receive(options.helloTimeoutMs(), "hello v" + v);
            } catch (LinkTimeoutException e) {
                continue;
            }
            if (m instanceof HelloRsp r) {
                version = v;
                return r;
            }
            if (m instanceof QdlMessage.Error e) {
                lastError = new QdlDeviceException("device refused hello v" + v + ": " + e.describe(), e.code());
                continue;
            }
            throw unexpected(m, "hello v" + v);
        }
        if (lastError != null) {
            throw lastError;
        }
        throw new LinkTimeoutException("no answer to QDL hello (versions " + Arrays.toString(options.helloVersions())
                + ") on " + link.describe());
    }

    /** The hello version the device accepted (0 before {@link #hello()}). */
    public int version() {
        return version;
    }

    /** Streams one image: open, chunks of {@code chunkSize} with matching sequence ACKs, close. */
    public void writeImage(QdlImage image, Progress progress) throws IOException {
        send(new OpenUnframed(image.type(), image.fileLength(), 1, image.payloadLength(), image.header()));
        QdlMessage m = receive(options.responseTimeoutMs(), "open of " + image.name());
        if (!(m instanceof OpenRsp open)) {
            throw unexpected(m, "open of " + image.name());
        }
        if (open.status() != 0) {
            throw new QdlDeviceException("device refused to open " + image.name() + ": status "
                    + QdlError.describe(open.status()), open.status());
        }
        long total = image.payloadLength();
        int seq = 0;
        try (InputStream in = image.payload().open();
             ChunkPrefetcher prefetch = new ChunkPrefetcher(in, total, options.chunkSize(), QdlCodec.WRITE_HEADER_LENGTH)) {
            for (ChunkPrefetcher.Chunk c; (c = prefetch.next()) != null; seq = (seq + 1) & 0xffff) {
                QdlCodec.writeHeader(c.buffer(), 0, seq, c.length());
                link.write(c.buffer(), 0, QdlCodec.WRITE_HEADER_LENGTH + c.length());
                long done = c.offset() + c.length();
                boolean last = c.last();
                prefetch.release(c); // the next chunk is read while we wait for this ACK
                String what = "ACK of chunk " + seq + " of " + image.name();
                QdlMessage ack = receive(last ? options.lastChunkAckTimeoutMs() : options.responseTimeoutMs(), what);
                if (!(ack instanceof WriteRsp w)) {
                    throw unexpected(ack, what);
                }
                if (w.sequence() != seq) {
                    throw new ProtocolException("out of sequence: sent chunk " + seq + " of " + image.name()
                            + ", device acknowledged " + w.sequence());
                }
                if (w.status() != 0) {
                    throw new QdlDeviceException("device rejected chunk " + seq + " of " + image.name() + ": status "
                            + QdlError.describe(w.status()), w.status());
                }
                progress.update(image.name(), done, total);
            }
        }
        send(new CloseUnframed());
        QdlMessage close = receive(options.lastChunkAckTimeoutMs(), "close of " + image.name());
        if (!(close instanceof CloseRsp r)) {
            throw unexpected(close, "close of " + image.name());
        }
        if (r.status() != 0) {
            throw new QdlDeviceException("device failed to close " + image.name() + ": status "
                    + QdlError.describe(r.status()), r.status());
        }
    }

    /** Asks the device to reboot; it sends no answer. */
    public void reset() throws IOException {
        send(new Reset());
    }

    private void send(QdlMessage m) throws IOException {
        link.write(QdlCodec.toWire(m));
    }

    /** Next decoded message from the device, waiting at most {@code timeoutMs}. */
    QdlMessage receive(long timeoutMs, String waitingFor) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (frames.isEmpty()) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new LinkTimeoutException("no answer to " + waitingFor + " within " + timeoutMs / 1000.0
                        + " s on " + link.describe());
            }
            int n = link.read(readBuffer, 0, readBuffer.length, left);
            if (n > 0) {
                frames.addAll(deframer.feed(readBuffer, 0, n));
            }
        }
        byte[] payload = Hdlc.unframe(frames.removeFirst());
        QdlMessage m = QdlCodec.decode(payload);
        if (m instanceof DiagBadCommand) {
            throw new NotInDownloadModeException("this port is not in download mode (DIAG answered) on "
                    + link.describe());
        }
        return m;
    }

    private static ProtocolException unexpected(QdlMessage m, String waitingFor) {
        if (m instanceof QdlMessage.Error e) {
            return new QdlDeviceException("device error on " + waitingFor + ": " + e.describe(), e.code());
        }
        return new ProtocolException("unexpected answer to " + waitingFor + ": " + m.getClass().getSimpleName());
    }
}
