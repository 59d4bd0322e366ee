package io.modemflash.qdl.sahara;

import io.modemflash.qdl.ProtocolException;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.link.LinkTimeoutException;
import io.modemflash.qdl.sahara.SaharaCommands.HwId;
import io.modemflash.qdl.sahara.SaharaCommands.MemoryRegion;
import io.modemflash.qdl.sahara.SaharaPacket.*;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Host side of Sahara over a {@link Link}: state detection, programmer/multi-image upload,
 * command mode (chip identity, Sierra switch to Firehose), memory debug, reset. ZLPs are
 * turned off: a ZLP after Sahara data breaks some chips. Not thread-safe.
 */
public final class SaharaSession {

    /**
     * @param timeoutMs        per packet read (qdl uses 1 s, others 3-5 s)
     * @param helloTimeoutMs   wait for the first bytes (the HELLO) after opening
     * @param recoverLostHello when no HELLO comes, write one byte to provoke a fresh one.
     *                         Must be false on Sierra 9x50: writing first breaks its 0xFF00 switch.
     * @param respVersion      version field of HELLO_RESP
     * @param respCompatible   compatible field of HELLO_RESP
     * @param maxReadRequest   largest READ_DATA length served (guards memory against a hostile peer)
     */
    public record Options(long timeoutMs, long helloTimeoutMs, boolean recoverLostHello, long respVersion,
                          long respCompatible, int maxReadRequest) {
        public static final Options DEFAULTS = new Options(5_000, 3_000, true, 2, 1, 64 << 20);
        /** Sierra EM7565/EM9191: wait quietly for HELLO, answer version 2 / compatible 2. */
        public static final Options SIERRA_9X50 = new Options(5_000, 5_000, false, 2, 2, 64 << 20);

        public Options withTimeouts(long timeoutMs, long helloTimeoutMs) {
            return new Options(timeoutMs, helloTimeoutMs, recoverLostHello, respVersion, respCompatible, maxReadRequest);
        }
    }

    /** What the first bytes from a freshly opened boot port say. */
    public enum State {
        /** A Sahara HELLO arrived (see {@link Detection#hello()}). */
        SAHARA_HELLO,
        /** The device sits in a Sahara error state (END_OF_IMAGE_TX first): reset it. */
        SAHARA_ERROR,
        /** A Firehose programmer already runs ({@code <?xml}): skip Sahara. */
        FIREHOSE,
        /** HDLC (7E): a Sierra QDL / DLOAD target. */
        HDLC,
        /** Nothing arrived, even after the recovery write (if allowed). */
        SILENT,
        /**
         * The device asks for image data (READ_DATA first): an upload a previous host left
         * mid-way, which goes on with {@link #resumeUpload} (see {@link Detection#request()}).
         */
        SAHARA_READ,
        /** Bytes that match none of the above. */
        UNKNOWN
    }

    /**
     * @param firstBytes the bytes that were read (hand them to the Firehose/QDL session when
     *                   the state says another protocol runs)
     */
    public record Detection(State state, Hello hello, EndOfImageTx error, byte[] firstBytes, SaharaPacket request) {
        public Detection(State state, Hello hello, EndOfImageTx error, byte[] firstBytes) {
            this(state, hello, error, firstBytes, null);
        }
    }

    /** Chip identity read in command mode; null fields were not answered. */
    public record ChipInfo(Long serial, HwId hwId, byte[] pkHash, Long sblVersion) {
    }

    private static final int MEMORY_READ_PIECE = 512 * 1024;

    private final Link link;
    private final Options options;
    private byte[] buf = new byte[64 * 1024];
    private int start;
    private int end;
    private byte[] serveBuffer = new byte[0];
    private Hello hello;
    /** Memory debug: the device announced a 64-bit table (MEMORY_DEBUG64), so reads are 64-bit too. */
    private boolean is64;

    public SaharaSession(Link link, Options options) {
        this.link = link;
        this.options = options;
        link.setZeroLengthPackets(false);
    }

    public SaharaSession(Link link) {
        this(link, Options.DEFAULTS);
    }

    /** The last HELLO received, or null. */
    public Hello hello() {
        return hello;
    }

    // ---------------------------------------------------------------------------- detection

    /** Reads the first bytes and says which protocol the device speaks. */
    public Detection detect() throws IOException {
        return detect(options.helloTimeoutMs(), options.recoverLostHello());
    }

    /** Looks at what arrives within timeoutMs; with poke, a silent device gets one byte to provoke a HELLO. */
    public Detection detect(long timeoutMs, boolean poke) throws IOException {
        if (!fillAtLeast(1, timeoutMs)) {
            if (!poke) {
                return new Detection(State.SILENT, null, null, new byte[0]);
            }
            // The HELLO was eaten (ModemManager, a previous run): one byte provokes a new one.
            link.write(new byte[] {0});
            if (!fillAtLeast(1, timeoutMs)) {
                return new Detection(State.SILENT, null, null, new byte[0]);
            }
        }
        int first = buf[start] & 0xff;
        if (first == SaharaPacket.READ_DATA || first == SaharaPacket.READ_DATA64) {
            SaharaPacket p = readPacket(options.timeoutMs(), "READ_DATA");
            return new Detection(State.SAHARA_READ, null, null, SaharaCodec.encode(p), p);
        }
        if (first == SaharaPacket.HELLO || first == SaharaPacket.END_OF_IMAGE_TX) {
            SaharaPacket p = readPacket(options.timeoutMs(), "HELLO");
            if (p instanceof Hello h) {
                hello = h;
                return new Detection(State.SAHARA_HELLO, h, null, SaharaCodec.encode(h));
            }
            if (p instanceof EndOfImageTx e) {
                return new Detection(State.SAHARA_ERROR, null, e, SaharaCodec.encode(e));
            }
        }
        byte[] seen = Arrays.copyOfRange(buf, start, end);
        start = end;
        if (first == '<') {
            return new Detection(State.FIREHOSE, null, null, seen);
        }
        if (first == 0x7e) {
            return new Detection(State.HDLC, null, null, seen);
        }
        return new Detection(State.UNKNOWN, null, null, seen);
    }

    /** Waits for a HELLO (detect, expecting Sahara). */
    public Hello awaitHello() throws IOException {
        Detection d = detect();
        return switch (d.state()) {
            case SAHARA_HELLO -> d.hello();
            case SAHARA_ERROR -> throw new SaharaStatusException("device is in a Sahara error state ("
                    + SaharaStatus.describe(d.error().status()) + "): reset it (power cycle) and retry", d.error().status());
            case FIREHOSE -> throw new ProtocolException("a Firehose programmer already runs on " + link.describe()
                    + ": Sahara is over, go on with Firehose");
            case HDLC -> throw new ProtocolException(link.describe() + " speaks HDLC (Sierra QDL/DLOAD), not Sahara");
            case SILENT -> throw new LinkTimeoutException("no Sahara HELLO from " + link.describe() + " within "
                    + options.helloTimeoutMs() / 1000.0 + " s");
            case SAHARA_READ -> throw new ProtocolException(link.describe() + " is in the middle of an image "
                    + "transfer a previous host left (it asks for data): a download continues it");
            case UNKNOWN -> throw new ProtocolException("unrecognised first bytes from " + link.describe() + ": "
                    + hex(d.firstBytes(), 16));
        };
    }

    // ---------------------------------------------------------------------------- image transfer

    /**
     * Serves the device's image reads until it says the transfer is complete. {@code images}
     * maps Sahara image ids to sources (13 = Firehose programmer). A HELLO must have been
     * received. The device may ask for any range in any order; a range outside the image is
     * reported, never padded.
     */
    public void uploadImages(Map<Long, SaharaImage> images, Progress progress) throws IOException {
        requireHello();
        send(new HelloResp(options.respVersion(), options.respCompatible(), 0, SaharaPacket.MODE_IMAGE_TX_PENDING));
        serveUntilDone(images, progress, null);
    }

    /**
     * Goes on with an upload a previous host left mid-way: the device's pending READ_DATA
     * ({@link Detection#request()}) is served and the transfer continues from there. The
     * device checks what it loaded; if an earlier piece was lost it reports an error, and the
     * caller starts over with {@link #resetStateMachine()}.
     */
    public void resumeUpload(SaharaImage programmer, Progress progress, SaharaPacket pending) throws IOException {
        serveUntilDone(new SingleImageMap(programmer), progress, pending);
    }

    private void serveUntilDone(Map<Long, SaharaImage> images, Progress progress, SaharaPacket pending)
            throws IOException {
        Map<Long, Long> served = new HashMap<>();
        while (true) {
            SaharaPacket p = pending != null ? pending : readPacket(options.timeoutMs(), "READ_DATA");
            pending = null;
            if (p instanceof ReadData r) {
                serve(images, r.imageId(), r.offset(), r.length(), served, progress);
            } else if (p instanceof ReadData64 r) {
                serve(images, r.imageId(), r.offset(), r.length(), served, progress);
            } else if (p instanceof EndOfImageTx e) {
                if (e.status() != 0) {
                    throw statusError(e, images);
                }
                send(new Done());
                SaharaPacket d = readPacket(options.timeoutMs(), "DONE_RESP");
                if (!(d instanceof DoneResp done)) {
                    throw unexpected(d, "DONE_RESP");
                }
                // "Pending" with a single image is a known quirk (MSM8916; ids 7, 13, 21): the
                // device is done with the only image it will ever get.
                if (done.imageTxStatus() == 1 || images.size() == 1) {
                    return;
                }
            } else if (p instanceof Hello h) {
                hello = h; // multi-image boots say HELLO again before the next image
                send(new HelloResp(options.respVersion(), options.respCompatible(), 0,
                        SaharaPacket.MODE_IMAGE_TX_PENDING));
            } else {
                throw unexpected(p, "READ_DATA");
            }
        }
    }

    /** Convenience: upload one Firehose programmer as image 13 (any id the device asks for). */
    public void uploadProgrammer(SaharaImage programmer, Progress progress) throws IOException {
        requireHello();
        uploadImages(new SingleImageMap(programmer), progress);
    }

    private void serve(Map<Long, SaharaImage> images, long id, long offset, long length, Map<Long, Long> served,
                       Progress progress) throws IOException {
        SaharaImage img = images.get(id);
        if (img == null) {
            throw new ProtocolException("device asked for image id " + id + " which was not given (have "
                    + images.keySet() + ")");
        }
        if (offset < 0 || length < 0 || offset > img.size() || length > img.size() - offset) {
            throw new ProtocolException("device asked for bytes " + offset + ".." + (offset + length) + " of image "
                    + id + " (" + img.name() + ", " + img.size() + " bytes): outside the image; is it the right file?");
        }
        if (length > options.maxReadRequest()) {
            throw new ProtocolException("device asked for " + length + " bytes of " + img.name() + " at once (limit "
                    + options.maxReadRequest() + ")");
        }
        int n = (int) length;
        if (serveBuffer.length < n) {
            serveBuffer = new byte[n];
        }
        img.read(offset, serveBuffer, 0, n);
        link.write(serveBuffer, 0, n); // exactly the range, in one transfer
        long total = served.merge(id, length, Long::sum);
        progress.update(img.name(), Math.min(total, img.size()), img.size());
    }

    private ProtocolException statusError(EndOfImageTx e, Map<Long, SaharaImage> images) {
        SaharaImage img = images.get(e.imageId());
        String what = img == null ? "image " + e.imageId() : img.name();
        if (e.status() == SaharaStatus.HASH_TABLE_AUTH_FAILURE.code) {
            return new SaharaStatusException("programmer rejected: hash table auth failure (signed for another OEM): "
                    + what, e.status());
        }
        return new SaharaStatusException("device failed to load " + what + ": " + SaharaStatus.describe(e.status()),
                e.status());
    }

    // ---------------------------------------------------------------------------- command mode

    /** Answers the HELLO with command mode and waits for CMD_READY. */
    public void enterCommandMode() throws IOException {
        requireHello();
        send(new HelloResp(options.respVersion(), options.respCompatible(), 0, SaharaPacket.MODE_COMMAND));
        SaharaPacket p = readPacket(options.timeoutMs(), "CMD_READY");
        if (!(p instanceof CmdReady)) {
            throw unexpected(p, "CMD_READY");
        }
    }

    /** Runs one client command: EXECUTE, EXECUTE_RESP, EXECUTE_DATA, then the raw answer. */
    public byte[] execute(long clientCommand) throws IOException {
        send(new Execute(clientCommand));
        String what = String.format("EXECUTE 0x%X", clientCommand);
        SaharaPacket p = readPacket(options.timeoutMs(), what);
        if (!(p instanceof ExecuteResp r)) {
            throw unexpected(p, what);
        }
        if (r.clientCommand() != clientCommand) {
            throw new ProtocolException(String.format("EXECUTE_RESP for command 0x%X, expected 0x%X",
                    r.clientCommand(), clientCommand));
        }
        if (r.dataLength() > options.maxReadRequest()) {
            throw new ProtocolException("EXECUTE_RESP announces " + r.dataLength() + " bytes: too large");
        }
        send(new ExecuteData(clientCommand));
        byte[] data = new byte[(int) r.dataLength()];
        readRaw(data, 0, data.length, options.timeoutMs(), what + " data");
        return data;
    }

    /**
     * Answers a HELLO with command mode, reads the chip's identity, and goes back to image
     * transfer: the device says HELLO again and waits for an image, as if nothing happened.
     */
    public ChipInfo identify() throws IOException {
        enterCommandMode();
        ChipInfo chip = readChipInfo();
        switchMode(SaharaPacket.MODE_IMAGE_TX_PENDING);
        awaitHello();
        return chip;
    }

    /**
     * Reads serial, HW id (or chip id v3 when the device no longer answers 0x02), PK hash and
     * SBL version. Call after {@link #enterCommandMode()}; leave with {@link #switchMode}.
     */
    public ChipInfo readChipInfo() throws IOException {
        Long serial = SaharaCommands.serial(execute(SaharaCommands.SERIAL_NUMBER));
        HwId hw;
        try {
            hw = SaharaCommands.hwId(execute(SaharaCommands.MSM_HW_ID));
        } catch (SaharaStatusException e) {
            hw = SaharaCommands.chipIdV3(execute(SaharaCommands.CHIP_ID_V3));
        }
        byte[] pk = SaharaCommands.pkHash(execute(SaharaCommands.OEM_PK_HASH));
        Long sbl = null;
        try {
            sbl = SaharaCommands.sblVersion(execute(SaharaCommands.SBL_VERSION));
        } catch (SaharaStatusException e) {
            // optional: many PBLs do not answer it
        }
        return new ChipInfo(serial, hw, pk, sbl);
    }

    /**
     * Sierra 9x50/SDX: HELLO_RESP (command mode), CMD_READY, EXECUTE 0xFF00 answered with
     * "confirmed"; Firehose then runs on the same link. Nothing may be written before the HELLO.
     */
    public void sierraSwitchToFirehose() throws IOException {
        enterCommandMode();
        byte[] answer = execute(SaharaCommands.SIERRA_SWITCH_TO_FIREHOSE);
        String text = new String(answer, StandardCharsets.US_ASCII);
        if (!text.equals("confirmed")) {
            throw new ProtocolException("Sierra switch to Firehose answered \"" + text.strip() + "\", not \"confirmed\"");
        }
    }

    /**
     * Bytes already read from the link but not consumed by Sahara: after a switch to Firehose
     * on a tty, the programmer's first logs can arrive in the same read as "confirmed". Hand
     * them to the next session ({@code new FirehoseSession(link, options, takeBuffered())}).
     */
    public byte[] takeBuffered() {
        byte[] rest = Arrays.copyOfRange(buf, start, end);
        start = end;
        return rest;
    }

    /** Leaves the current mode (e.g. command mode -> image transfer, which sends a fresh HELLO). */
    public void switchMode(long mode) throws IOException {
        send(new SwitchMode(mode));
    }

    /** Asks the device to reset and waits for RESET_RESP. */
    public void reset() throws IOException {
        send(new Reset());
        SaharaPacket p = readPacket(options.timeoutMs(), "RESET_RESP");
        if (!(p instanceof ResetResp)) {
            throw unexpected(p, "RESET_RESP");
        }
    }

    /** Returns a device in an error state to waiting for HELLO_RESP (no answer expected). */
    public void resetStateMachine() throws IOException {
        send(new ResetStateMachine());
    }

    /** Discards what the device sent and the host has not used: a previous host's unread answers. */
    public int drain(long idleMs) throws IOException {
        int n = end - start;
        start = end;
        byte[] sink = new byte[64 * 1024];
        for (int got; (got = link.read(sink, 0, sink.length, idleMs)) > 0; ) {
            n += got;
        }
        return n;
    }

    /**
     * Brings a device that a previous host left somewhere in Sahara (command mode, an error
     * state, after a stray write) back to a fresh HELLO: SWITCH_MODE to image transfer (leaves
     * command mode) and RESET_STATE_MACHINE (back to HELLO from any other state); the last
     * HELLO of what comes back counts.
     */
    public Detection resyncToHello() throws IOException {
        drain(300);
        send(new SwitchMode(SaharaPacket.MODE_IMAGE_TX_PENDING));
        send(new ResetStateMachine());
        Hello last = null;
        long deadline = System.nanoTime() + options.timeoutMs() * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (!fillAtLeast(SaharaCodec.HEADER, last == null ? options.timeoutMs() : 300)) {
                break;
            }
            SaharaPacket p = readPacket(options.timeoutMs(), "HELLO");
            if (p instanceof Hello h) {
                last = h;
            }
        }
        if (last == null) {
            return new Detection(State.SILENT, null, null, new byte[0]);
        }
        hello = last;
        return new Detection(State.SAHARA_HELLO, last, null, SaharaCodec.encode(last));
    }

    // ---------------------------------------------------------------------------- memory debug

    /** Answers a memory-debug HELLO and reads the region table. */
    public List<MemoryRegion> memoryDebugTable() throws IOException {
        requireHello();
        send(new HelloResp(options.respVersion(), options.respCompatible(), 0, SaharaPacket.MODE_MEMORY_DEBUG));
        SaharaPacket p = readPacket(options.timeoutMs(), "MEMORY_DEBUG");
        long addr;
        long len;
        if (p instanceof MemoryDebug m) {
            is64 = false;
            addr = m.tableAddress();
            len = m.tableLength();
        } else if (p instanceof MemoryDebug64 m) {
            is64 = true;
            addr = m.tableAddress();
            len = m.tableLength();
        } else {
            throw unexpected(p, "MEMORY_DEBUG");
        }
        if (len > 1 << 20) {
            throw new ProtocolException("memory debug table of " + len + " bytes: too large");
        }
        byte[] table = new byte[(int) len];
        readMemory(addr, table, 0, table.length);
        return SaharaCommands.regionTable(table, is64);
    }

    /** Streams one region to {@code out} in 512 KiB MEMORY_READ(64) pieces. */
    public void dumpRegion(MemoryRegion region, OutputStream out, Progress progress) throws IOException {
        byte[] piece = new byte[MEMORY_READ_PIECE];
        long done = 0;
        while (done < region.length()) {
            int n = (int) Math.min(MEMORY_READ_PIECE, region.length() - done);
            readMemory(region.base() + done, piece, 0, n);
            out.write(piece, 0, n);
            done += n;
            progress.update(region.fileName(), done, region.length());
        }
    }

    private void readMemory(long address, byte[] dst, int off, int len) throws IOException {
        send(is64 ? new MemoryRead64(address, len) : new MemoryRead(address, len));
        // A refused read comes back as a 16-byte END_OF_IMAGE_TX instead of the data.
        if (len != 16 && fillAtLeast(Math.min(len, 16), options.timeoutMs()) && end - start == 16
                && (buf[start] & 0xff) == SaharaPacket.END_OF_IMAGE_TX && (buf[start + 4] & 0xff) == 0x10) {
            SaharaPacket p = readPacket(options.timeoutMs(), "memory");
            EndOfImageTx e = (EndOfImageTx) p;
            throw new SaharaStatusException(String.format("device refused to read %d bytes at 0x%X: %s", len, address,
                    SaharaStatus.describe(e.status())), e.status());
        }
        readRaw(dst, off, len, options.timeoutMs(), String.format("memory at 0x%X", address));
    }

    // ---------------------------------------------------------------------------- packet I/O

    private void requireHello() {
        if (hello == null) {
            throw new IllegalStateException("no Sahara HELLO received yet: call detect() or awaitHello() first");
        }
    }

    private void send(SaharaPacket p) throws IOException {
        link.write(SaharaCodec.encode(p));
    }

    /** Reads one packet; on a tty several may arrive together, on USB one per transfer. */
    SaharaPacket readPacket(long timeoutMs, String waitingFor) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        requireBytes(SaharaCodec.HEADER, deadline, waitingFor);
        int len = SaharaCodec.packetLength(buf, start, end - start);
        requireBytes(len, deadline, waitingFor);
        SaharaPacket p = SaharaCodec.decode(buf, start, len);
        start += len;
        return p;
    }

    private void readRaw(byte[] dst, int off, int len, long timeoutMs, String what) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        int got = 0;
        while (got < len) {
            if (start == end) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    throw new LinkTimeoutException("timeout reading " + what + ": " + got + " of " + len + " bytes");
                }
                int n = link.read(dst, off + got, len - got, left);
                got += n;
                if (n > 0) {
                    deadline = System.nanoTime() + timeoutMs * 1_000_000L; // progress resets the clock
                }
                continue;
            }
            int c = Math.min(len - got, end - start);
            System.arraycopy(buf, start, dst, off + got, c);
            start += c;
            got += c;
        }
    }

    private void requireBytes(int n, long deadline, String waitingFor) throws IOException {
        while (end - start < n) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0 || !readMore(left)) {
                throw new LinkTimeoutException("no Sahara " + waitingFor + " from " + link.describe() + " in time");
            }
        }
    }

    private boolean fillAtLeast(int n, long timeoutMs) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (end - start < n) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0 || !readMore(left)) {
                return false;
            }
        }
        return true;
    }

    private boolean readMore(long timeoutMs) throws IOException {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (end == buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        int n = link.read(buf, end, buf.length - end, timeoutMs);
        end += n;
        return n > 0;
    }

    private static ProtocolException unexpected(SaharaPacket p, String waitingFor) {
        if (p instanceof EndOfImageTx e && e.status() != 0) {
            return new SaharaStatusException("device error while waiting for " + waitingFor + ": "
                    + SaharaStatus.describe(e.status()), e.status());
        }
        return new ProtocolException("unexpected Sahara " + SaharaCodec.nameOf(p.command()) + " while waiting for "
                + waitingFor);
    }

    private static String hex(byte[] b, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, max); i++) {
            sb.append(String.format("%02X ", b[i]));
        }
        return sb.toString().trim();
    }

    /** Maps whatever image id the device asks for to the one image we have. */
    private static final class SingleImageMap extends java.util.AbstractMap<Long, SaharaImage> {
        private final SaharaImage image;

        SingleImageMap(SaharaImage image) {
            this.image = image;
        }

        @Override
        public SaharaImage get(Object key) {
            return image;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public java.util.Set<Entry<Long, SaharaImage>> entrySet() {
            return java.util.Set.of(Map.entry(13L, image));
        }
    }
}
