package io.modemflash.qdl.firehose;

import io.modemflash.images.sparse.SparseImage;
import io.modemflash.qdl.ProtocolException;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.link.ChunkPrefetcher;
import io.modemflash.qdl.link.DeviceGoneException;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.link.LinkTimeoutException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.modemflash.qdl.firehose.FirehoseXml.attrs;

/**
 * Host side of Firehose over a {@link Link}: banner and function gating, configure with
 * payload negotiation, storage info, raw/sparse/CWE program, erase, read, patch, SHA-256
 * digest, bootable drive, power. One command in flight; not thread-safe.
 */
public final class FirehoseSession {

    /** Timeouts in milliseconds (PROTOCOLS.md section 5 defaults). */
    public record Timeouts(long response, long program, long cweProgram, long erase, long read, long patch,
                           long sha256, long reset, long drainIdle, long banner) {
        public static final Timeouts DEFAULTS =
                new Timeouts(10_000, 120_000, 300_000, 30_000, 30_000, 5_000, 30_000, 5_000, 200, 2_000);
    }

    /**
     * @param timeouts         see {@link Timeouts}
     * @param zeroLengthPackets explicit ZLPs after full-packet writes (ON by default; some
     *                         host controllers/devices need them off)
     * @param requestedPayload MaxPayloadSizeToTargetInBytes to ask for first
     */
    public record Options(Timeouts timeouts, boolean zeroLengthPackets, int requestedPayload) {
        public static final Options DEFAULTS = new Options(Timeouts.DEFAULTS, true, 1 << 20);

        public Options withTimeouts(Timeouts t) {
            return new Options(t, zeroLengthPackets, requestedPayload);
        }
    }

    /** What configure settled on. */
    public record Configuration(String memoryName, int maxPayloadToTarget, Integer maxPayloadFromTarget,
                                Integer maxXmlSize, String targetName, Map<String, String> response) {
    }

    /** The answer to a command: the response element and the logs that came with it. */
    public record Reply(FirehoseElement response, List<String> logs) {
    }

    /** Geometry of a program/erase/read/digest: verbatim start sector (may be an expression). */
    public record Region(int sectorSize, long numSectors, int lun, String startSector) {
        public Region {
            if (sectorSize <= 0 || numSectors < 0) {
                throw new IllegalArgumentException("bad region geometry");
            }
        }

        public long bytes() {
            return numSectors * sectorSize;
        }
    }

    /** A {@code <patch>} entry (only filename="DISK" entries go to the device). */
    public record Patch(int sectorSize, String byteOffset, int lun, String sizeInBytes, String startSector,
                        String value, String what) {
    }

    private static final Pattern DIGEST = Pattern.compile("Digest\\s*[:=]?\\s*([0-9A-Fa-f]{64})");
    /** Image bytes read ahead per hand-over from the prefetch thread. */
    private static final int PREFETCH_BYTES = 1 << 20;

    private final Link link;
    private final Options options;
    private final DocumentSplitter splitter = new DocumentSplitter(1 << 20);
    private final ArrayDeque<FirehoseElement> events = new ArrayDeque<>();
    private final byte[] readBuffer = new byte[64 * 1024];
    private Set<String> supported = Set.of();
    private Consumer<String> logListener = s -> { };
    private int payload;

    public FirehoseSession(Link link, Options options) {
        this(link, options, new byte[0]);
    }

    /**
     * @param alreadyRead bytes a previous reader took from the link (Sahara detection seeing
     *                    {@code <?xml}); they are the start of the Firehose stream
     */
    public FirehoseSession(Link link, Options options, byte[] alreadyRead) {
        this.link = link;
        this.options = options;
        this.payload = options.requestedPayload();
        link.setZeroLengthPackets(options.zeroLengthPackets());
        splitter.feed(alreadyRead, 0, alreadyRead.length);
    }

    /** Receives every device log line as it arrives (for -v output). */
    public void onLog(Consumer<String> listener) {
        this.logListener = listener;
    }

    /** Functions the banner listed (lower case); empty = no banner seen, nothing gated. */
    public Set<String> supportedFunctions() {
        return supported;
    }

    /** The negotiated MaxPayloadSizeToTargetInBytes. */
    public int payload() {
        return payload;
    }

    // ---------------------------------------------------------------------------- start-up

    /**
     * Collects the start-up logs (build, serial, supported functions). If nothing arrives
     * within the banner timeout, sends {@code <nop/>} to wake the programmer.
     */
    public List<String> readBanner() throws IOException {
        List<String> logs = new ArrayList<>();
        boolean any = waitForData(options.timeouts().banner());
        if (any) {
            logs.addAll(drainLogs());
        } else {
            logs.addAll(nop().logs());
        }
        supported = SupportedFunctions.parse(logs);
        return logs;
    }

    /** Drains device logs until the link stays idle for the drain-idle time. */
    public List<String> drainLogs() throws IOException {
        List<String> logs = new ArrayList<>();
        drainLogsInto(logs);
        return logs;
    }

    private void drainLogsInto(List<String> logs) throws IOException {
        while (true) {
            FirehoseElement e = events.pollFirst();
            if (e == null) {
                e = nextElement(options.timeouts().drainIdle(), true);
            }
            if (e == null) {
                return;
            }
            if (e.isLog()) {
                logs.add(logValue(e));
            }
        }
    }

    public Reply nop() throws IOException {
        return command("nop", attrs(), options.timeouts().response());
    }

    /** {@code <NOP value="ping"/>} as Sierra's tools send it to the built-in programmer. */
    public Reply nop(String value) throws IOException {
        return command("NOP", attrs("value", value), options.timeouts().response());
    }

    /**
     * configure with payload negotiation: on ACK take MaxPayloadSizeToTargetInBytesSupported,
     * on NAK take MaxPayloadSizeToTargetInBytes; when that differs from what was asked,
     * configure again with it, and that one must ACK.
     */
    public Configuration configure(String memoryName, boolean skipStorageInit) throws IOException {
        Reply first = exchange("configure", configureAttrs(memoryName, payload, skipStorageInit),
                options.timeouts().response());
        FirehoseElement r = first.response();
        String key = r.isAck() ? "MaxPayloadSizeToTargetInBytesSupported" : "MaxPayloadSizeToTargetInBytes";
        Integer offered = intAttr(r, key);
        if (!r.isAck() && offered == null) {
            throw nak("configure", first.logs());
        }
        Reply last = first;
        if (offered != null && offered != payload) {
            if (offered <= 0) {
                throw new ProtocolException("programmer offered a payload size of " + offered + " bytes");
            }
            payload = offered;
            last = exchange("configure", configureAttrs(memoryName, payload, skipStorageInit),
                    options.timeouts().response());
        }
        // a NAK that offers the very size we asked for is still a refusal (e.g. wrong MemoryName)
        if (!last.response().isAck()) {
            throw nak("configure", last.logs());
        }
        FirehoseElement a = last.response();
        return new Configuration(a.attr("MemoryName") == null ? memoryName : a.attr("MemoryName"), payload,
                intAttr(a, "MaxPayloadSizeFromTargetInBytes"), intAttr(a, "MaxXMLSizeInBytes"), a.attr("TargetName"),
                a.attributes());
    }

    private static Map<String, String> configureAttrs(String memoryName, int payload, boolean skipStorageInit) {
        return attrs("MemoryName", memoryName, "MaxPayloadSizeToTargetInBytes", payload, "ZlpAwareHost", 1,
                "SkipStorageInit", skipStorageInit ? 1 : 0, "Verbose", 0, "AlwaysValidate", 0,
                "MaxDigestTableSizeInBytes", 8192);
    }

    public StorageInfo getStorageInfo(int lun) throws IOException {
        Reply r = command("getstorageinfo", attrs("physical_partition_number", lun), options.timeouts().response());
        return StorageInfo.parse(r.logs());
    }

    // ---------------------------------------------------------------------------- program

    /**
     * Programs {@code region} from {@code data} ({@code dataLength} bytes, at most the region):
     * exactly numSectors x sectorSize raw bytes follow the rawmode ACK, in chunks of whole
     * sectors no larger than the negotiated payload; the tail is zero-padded.
     */
    public void program(Region region, String filename, Map<String, String> extra, InputStream data, long dataLength,
                        Progress progress) throws IOException {
        programWith(region, filename, extra, data, dataLength, progress, options.timeouts().program());
    }

    private void programWith(Region region, String filename, Map<String, String> extra, InputStream data,
                             long dataLength, Progress progress, long ackTimeout) throws IOException {
        programWith(region, filename, extra, chunk -> new ChunkPrefetcher(data, dataLength, chunk, 0), dataLength,
                progress, ackTimeout);
    }

    /** Like {@link #program(Region, String, Map, InputStream, long, Progress)} with a prefetcher factory. */
    void program(Region region, String filename, Map<String, String> extra, Prefetch source, long dataLength,
                 Progress progress) throws IOException {
        programWith(region, filename, extra, source, dataLength, progress, options.timeouts().program());
    }

    /** Opens the prefetcher once the chunk size is known. */
    interface Prefetch {
        ChunkPrefetcher open(int chunkSize);
    }

    private void programWith(Region region, String filename, Map<String, String> extra, Prefetch source,
                             long dataLength, Progress progress, long ackTimeout) throws IOException {
        if (dataLength > region.bytes()) {
            throw new IllegalArgumentException(filename + ": " + dataLength + " bytes do not fit in "
                    + region.numSectors() + " sectors of " + region.sectorSize());
        }
        int chunk = chunkSize(region.sectorSize());
        Map<String, String> a = attrs("SECTOR_SIZE_IN_BYTES", region.sectorSize(), "num_partition_sectors",
                region.numSectors(), "physical_partition_number", region.lun(), "start_sector", region.startSector(),
                "filename", filename);
        a.putAll(extra);
        expectRawMode("program", a, options.timeouts().response());
        long total = region.bytes();
        long sent = 0;
        // Read in pieces of about 1 MiB whatever the payload: one hand-over between the threads
        // per MiB, not one per 8 KiB transfer on Sierra's programmers.
        int readChunk = Math.max(chunk, PREFETCH_BYTES / chunk * chunk);
        try (ChunkPrefetcher prefetch = source.open(readChunk)) {
            for (ChunkPrefetcher.Chunk c; (c = prefetch.next()) != null; ) {
                int len = c.length();
                int padded = (int) roundUp(len, region.sectorSize());
                Arrays.fill(c.buffer(), c.headroom() + len, c.headroom() + padded, (byte) 0);
                for (int at = 0; at < padded; at += chunk) { // the next chunk is read meanwhile
                    link.write(c.buffer(), c.headroom() + at, Math.min(chunk, padded - at));
                }
                prefetch.release(c);
                sent += padded;
                progress.update(filename, Math.min(sent, total), total);
            }
        }
        if (sent < total) {
            byte[] zeros = new byte[(int) Math.min(chunk, total - sent)];
            while (sent < total) {
                int n = (int) Math.min(zeros.length, total - sent);
                link.write(zeros, 0, n);
                sent += n;
                progress.update(filename, sent, total);
            }
        }
        Reply done = awaitResponse("program", ackTimeout);
        if (!done.response().isAck()) {
            throw nak("program", done.logs());
        }
        if (done.response().rawMode()) {
            throw new ProtocolException("programmer still in raw mode after " + total + " bytes of " + filename);
        }
    }

    /** Programs a raw file at {@code startSector}: sector count from the file size, rounded up. */
    public void programFile(FileChannel file, String filename, int sectorSize, int lun, String startSector,
                            Progress progress) throws IOException {
        long size = file.size();
        Region r = new Region(sectorSize, (size + sectorSize - 1) / sectorSize, lun, startSector);
        programWith(r, filename, Map.of(), chunk -> ChunkPrefetcher.of(file, 0, size, chunk, 0), size, progress,
                options.timeouts().program());
    }

    /**
     * Programs an Android sparse image at {@code startSector} (a plain number): one program
     * per RAW or FILL chunk, DONT_CARE and CRC32 chunks skipped.
     */
    public void programSparse(FileChannel file, String filename, int sectorSize, int lun, long startSector,
                              Progress progress) throws IOException {
        SparseImage img = SparseImage.parse(file, filename);
        if (img.blockSize() % sectorSize != 0) {
            throw new ProtocolException(filename + ": sparse block size " + img.blockSize()
                    + " is not a multiple of the sector size " + sectorSize);
        }
        long sectorsPerBlock = img.blockSize() / sectorSize;
        long totalBytes = img.summary().writtenBlocks() * img.blockSize();
        long[] doneBefore = {0};
        Progress whole = (n, done, total) -> progress.update(filename, doneBefore[0] + done, totalBytes);
        for (SparseImage.Chunk c : img.chunks(file, filename)) {
            if (!c.writes()) {
                continue;
            }
            Region r = new Region(sectorSize, c.blocks() * sectorsPerBlock, lun,
                    Long.toString(startSector + c.startBlock() * sectorsPerBlock));
            long len = c.lengthBytes(img.blockSize());
            Prefetch data = c.type() == SparseImage.ChunkType.RAW
                    ? chunk -> ChunkPrefetcher.of(file, c.dataOffset(), len, chunk, 0)
                    : chunk -> new ChunkPrefetcher(new FillStream(c.value(), len), len, chunk, 0);
            programWith(r, filename, Map.of(), data, len, whole, options.timeouts().program());
            doneBefore[0] += len;
        }
    }

    /**
     * Sierra 9x50/SDX: the WHOLE .cwe (header included) as raw data at start_sector -1; the
     * programmer routes it by its header. Geometry from getstorageinfo (defaults 4096/64).
     */
    public void programCwe(InputStream cwe, long size, String filename, StorageInfo storage, Progress progress)
            throws IOException {
        int sector = storage == null ? StorageInfo.DEFAULT_SECTOR_SIZE : storage.sectorSize();
        int pages = storage == null ? StorageInfo.DEFAULT_PAGES_PER_BLOCK : storage.pagesPerBlock();
        Region r = new Region(sector, (size + sector - 1) / sector, 0, "-1");
        programWith(r, filename, attrs("PAGES_PER_BLOCK", pages), cwe, size, progress, options.timeouts().cweProgram());
    }

    /** Whole sectors per chunk, as many as the payload allows. */
    int chunkSize(int sectorSize) throws ProtocolException {
        if (payload < sectorSize) {
            throw new ProtocolException("negotiated payload " + payload + " is smaller than a sector (" + sectorSize + ")");
        }
        return payload / sectorSize * sectorSize;
    }

    // ---------------------------------------------------------------------------- other commands

    /** Erases a region; null start/count erase the whole LUN. */
    public void erase(int sectorSize, int lun, String startSector, Long numSectors) throws IOException {
        command("erase", attrs("SECTOR_SIZE_IN_BYTES", sectorSize, "num_partition_sectors", numSectors,
                "physical_partition_number", lun, "start_sector", startSector), options.timeouts().erase());
    }

    /** Reads a region into {@code out}: ACK rawmode=true, the bytes, ACK rawmode=false. */
    public void read(Region region, OutputStream out, Progress progress) throws IOException {
        expectRawMode("read", attrs("SECTOR_SIZE_IN_BYTES", region.sectorSize(), "num_partition_sectors",
                region.numSectors(), "physical_partition_number", region.lun(), "start_sector", region.startSector()),
                options.timeouts().response());
        long total = region.bytes();
        long got = 0;
        byte[] b = new byte[(int) Math.min(1 << 20, Math.max(1, total))];
        while (got < total) {
            int want = (int) Math.min(b.length, total - got);
            int n = splitter.isEmpty() ? 0 : splitter.takeRaw(b, 0, want);
            if (n == 0) {
                n = link.read(b, 0, want, options.timeouts().read());
                if (n == 0) {
                    throw new LinkTimeoutException("read stalled at " + got + " of " + total + " bytes");
                }
            }
            out.write(b, 0, n);
            got += n;
            progress.update("read", got, total);
        }
        Reply done = awaitResponse("read", options.timeouts().read());
        if (!done.response().isAck()) {
            throw nak("read", done.logs());
        }
    }

    public void patch(Patch p) throws IOException {
        command("patch", attrs("SECTOR_SIZE_IN_BYTES", p.sectorSize(), "byte_offset", p.byteOffset(), "filename",
                "DISK", "physical_partition_number", p.lun(), "size_in_bytes", p.sizeInBytes(), "start_sector",
                p.startSector(), "value", p.value(), "what", p.what()), options.timeouts().patch());
    }

    /** SHA-256 of a region as the programmer computes it (64 lower-case hex digits). */
    public String sha256(Region region) throws IOException {
        Reply r = command("getsha256digest", attrs("SECTOR_SIZE_IN_BYTES", region.sectorSize(),
                "num_partition_sectors", region.numSectors(), "physical_partition_number", region.lun(),
                "start_sector", region.startSector()), options.timeouts().sha256());
        for (int i = r.logs().size() - 1; i >= 0; i--) {
            Matcher m = DIGEST.matcher(r.logs().get(i));
            if (m.find()) {
                return m.group(1).toLowerCase(Locale.ROOT);
            }
        }
        throw new ProtocolException("getsha256digest answered ACK without a Digest log");
    }

    public void setBootableStorageDrive(int lun) throws IOException {
        command("setbootablestoragedrive", attrs("value", lun), options.timeouts().response());
    }

    /**
     * {@code <power value="reset|off|edl">}: ACK, then the trailing logs are drained until the
     * device goes quiet or drops off the bus. Returns those logs.
     */
    public List<String> power(String value, int delaySeconds) throws IOException {
        Reply r = command("power", attrs("value", value, "DelayInSeconds", delaySeconds), options.timeouts().reset());
        List<String> logs = new ArrayList<>(r.logs());
        try {
            drainLogsInto(logs);
        } catch (DeviceGoneException e) {
            // expected: the device resets and leaves the bus
        }
        return logs;
    }

    // ---------------------------------------------------------------------------- exchange

    /** Sends one command (gated by the banner) and requires ACK. */
    public Reply command(String tag, Map<String, String> attributes, long timeoutMs) throws IOException {
        Reply r = exchange(tag, attributes, timeoutMs);
        if (!r.response().isAck()) {
            throw nak(tag, r.logs());
        }
        return r;
    }

    /** Sends one command and returns the response, ACK or NAK. */
    public Reply exchange(String tag, Map<String, String> attributes, long timeoutMs) throws IOException {
        requireSupported(tag);
        link.write(FirehoseXml.command(tag, attributes));
        return awaitResponse(tag, timeoutMs);
    }

    private void expectRawMode(String tag, Map<String, String> attributes, long timeoutMs) throws IOException {
        Reply r = exchange(tag, attributes, timeoutMs);
        if (!r.response().isAck()) {
            throw nak(tag, r.logs());
        }
        if (!r.response().rawMode()) {
            throw new ProtocolException("programmer ACKed <" + tag + "> without rawmode=\"true\"");
        }
    }

    private void requireSupported(String tag) throws FirehoseUnsupportedException {
        if (!supported.isEmpty() && !supported.contains(tag.toLowerCase(Locale.ROOT))) {
            throw new FirehoseUnsupportedException("the programmer does not support <" + tag + "> (it lists: "
                    + String.join(", ", supported) + ")");
        }
    }

    /** Reads logs until a response; the timeout restarts whenever the device says something. */
    private Reply awaitResponse(String tag, long timeoutMs) throws IOException {
        List<String> logs = new ArrayList<>();
        while (true) {
            FirehoseElement e = events.pollFirst();
            if (e == null) {
                e = nextElement(timeoutMs, false);
            }
            if (e == null) {
                throw new LinkTimeoutException("no response to <" + tag + "> within " + timeoutMs / 1000.0 + " s"
                        + (logs.isEmpty() ? "" : " (last log: " + logs.get(logs.size() - 1) + ")"));
            }
            if (e.isLog()) {
                logs.add(logValue(e));
            } else if (e.isResponse()) {
                return new Reply(e, logs);
            }
        }
    }

    private String logValue(FirehoseElement e) {
        String v = e.attr("value");
        return v == null ? "" : v;
    }

    /**
     * The next element from the stream, parsing one document at a time so that the bytes
     * after a rawmode="true" response stay raw. Null when the link stayed idle.
     */
    private FirehoseElement nextElement(long timeoutMs, boolean idleIsEnd) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            String doc = splitter.next();
            if (doc != null) {
                List<FirehoseElement> els = FirehoseXml.parse(doc);
                if (els.isEmpty()) {
                    continue;
                }
                for (FirehoseElement e : els) {
                    if (e.isLog()) {
                        logListener.accept(logValue(e));
                    }
                }
                events.addAll(els.subList(1, els.size()));
                return els.get(0);
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            int n = link.read(readBuffer, 0, readBuffer.length, left);
            if (n > 0) {
                splitter.feed(readBuffer, 0, n);
                if (idleIsEnd) {
                    deadline = System.nanoTime() + timeoutMs * 1_000_000L;
                }
            }
        }
    }

    private boolean waitForData(long timeoutMs) throws IOException {
        if (!splitter.isEmpty() || !events.isEmpty()) {
            return true;
        }
        int n = link.read(readBuffer, 0, readBuffer.length, timeoutMs);
        splitter.feed(readBuffer, 0, n);
        return n > 0;
    }

    private FirehoseNakException nak(String tag, List<String> logs) {
        String reason = null;
        for (int i = logs.size() - 1; i >= 0 && reason == null; i--) {
            String l = logs.get(i).strip();
            if (l.regionMatches(true, 0, "ERROR:", 0, 6)) {
                reason = l.substring(6).strip();
            }
        }
        if (reason == null) {
            reason = logs.isEmpty() ? "NAK without a reason" : logs.get(logs.size() - 1);
        }
        return new FirehoseNakException(tag, reason, logs);
    }

    private static Integer intAttr(FirehoseElement e, String name) {
        String v = e.attr(name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v.strip());
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    private static long roundUp(long n, int unit) {
        return (n + unit - 1) / unit * unit;
    }

    /** A FILL chunk's 4-byte pattern repeated (little-endian, as stored in the sparse file). */
    static final class FillStream extends InputStream {
        private final byte[] pattern;
        private long left;
        private int phase;

        FillStream(int value, long length) {
            pattern = new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
            left = length;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            int b = pattern[phase] & 0xff;
            phase = (phase + 1) & 3;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                b[off + i] = pattern[phase];
                phase = (phase + 1) & 3;
            }
            left -= n;
            return n;
        }
    }
}
