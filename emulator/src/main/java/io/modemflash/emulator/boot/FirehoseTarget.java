package io.modemflash.emulator.boot;

import io.modemflash.images.cwe.CweHeader;
import io.modemflash.images.flat.SectorExpr;
import io.modemflash.qdl.firehose.DocumentSplitter;
import io.modemflash.qdl.firehose.FirehoseElement;
import io.modemflash.qdl.firehose.FirehoseXml;
import io.modemflash.qdl.firehose.FirehoseXmlException;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import static io.modemflash.qdl.firehose.FirehoseXml.attrs;

/**
 * The device side of Firehose: a programmer (EDL, loaded over Sahara) or Sierra's built-in
 * one (9x50, NAND, whole .cwe files). Strict like real programmers: one command per document,
 * only listed functions, storage commands only after configure, geometry checked, raw data
 * counted exactly (anything beyond the announced size is refused as not XML), patch values
 * evaluated on the device ({@code NUM_DISK_SECTORS-N.}, {@code CRC32(sector,len)}).
 */
final class FirehoseTarget {
    /** MaxXMLSizeInBytes the programmer announces. */
    static final int MAX_XML = 4096;
    private static final Pattern CRC = Pattern.compile("\\s*CRC32\\s*\\((.+),(.+)\\)\\s*", Pattern.CASE_INSENSITIVE);

    /**
     * @param memoryName       what configure must name ("ufs", "emmc", "nand")
     * @param maxPayload       largest MaxPayloadSizeToTargetInBytes accepted
     * @param nakFirstConfigure Sierra: the first configure is NAKed with maxPayload whatever it asks
     * @param banner           start-up logs before the supported functions
     * @param functions        "Supported Functions" list, in banner order
     * @param cwe              Sierra built-in programmer: {@code start_sector="-1"} programs take whole .cwe files
     */
    record Config(String memoryName, int maxPayload, boolean nakFirstConfigure, List<String> banner,
                  List<String> functions, boolean cwe, String targetName) {
        Config {
            banner = List.copyOf(banner);
            functions = List.copyOf(functions);
        }
    }

    private final DeviceIo io;
    private final Config config;
    private final BlockStorage blocks;
    private final ImageStore images;
    private final DocumentSplitter splitter = new DocumentSplitter(64 * 1024);
    private final byte[] buf = new byte[(1 << 20) + 4096];
    private final byte[] headerBuf = new byte[CweHeader.SIZE];
    private final Set<String> supported;
    private boolean configured;
    private int configures;
    private int programs;
    private int payload;
    private Integer bootableLun;

    FirehoseTarget(DeviceIo io, Config config, BlockStorage blocks, ImageStore images) {
        this.io = io;
        this.config = config;
        this.blocks = blocks;
        this.images = images;
        this.supported = Set.copyOf(config.functions().stream().map(f -> f.toLowerCase(Locale.ROOT)).toList());
        this.payload = config.maxPayload();
    }

    Integer bootableLun() {
        return bootableLun;
    }

    /** Logs the banner unless the host must ping first (Sierra), then serves commands until a reset. */
    void run(boolean bannerFirst) throws IOException, BootExit {
        if (bannerFirst) {
            banner();
        }
        io.stage("firehose");
        while (true) {
            FirehoseElement cmd = nextCommand();
            if (cmd == null) {
                continue;
            }
            String tag = cmd.tag();
            io.stage(tag);
            if (!supported.contains(tag)) {
                nak("ERROR: Unrecognized XML command <" + tag + ">");
                continue;
            }
            if (io.faults().nak(tag)) {
                nak("ERROR: injected fault: NAK of <" + tag + ">");
                continue;
            }
            try {
                handle(cmd);
            } catch (Refused r) {
                nak("ERROR: " + r.getMessage());
            }
        }
    }

    private void banner() throws IOException, BootExit {
        for (String l : config.banner()) {
            log(l);
        }
        log("Supported Functions (" + config.functions().size() + "):");
        for (String f : config.functions()) {
            log(f);
        }
        log("End of supported functions " + config.functions().size());
    }

    /** A command the programmer refuses: NAK with this reason logged. */
    private static final class Refused extends Exception {
        Refused(String why) {
            super(why, null, false, false);
        }
    }

    private void handle(FirehoseElement c) throws IOException, BootExit, Refused {
        switch (c.tag()) {
            case "nop" -> ack(attrs());
            case "configure" -> configure(c);
            case "getstorageinfo" -> storageInfo(c);
            case "program" -> program(c);
            case "erase" -> erase(c);
            case "read" -> read(c);
            case "patch" -> patch(c);
            case "getsha256digest" -> sha256(c);
            case "setbootablestoragedrive" -> {
                int lun = (int) number(c, "value");
                if (blocks != null && !blocks.hasLun(lun)) {
                    throw new Refused("LUN " + lun + " does not exist");
                }
                bootableLun = lun;
                if (blocks != null) {
                    blocks.setBootableLun(lun);
                }
                log("Set bootable drive to " + lun);
                ack(attrs());
            }
            case "power" -> power(c);
            default -> throw new Refused("Unrecognized XML command <" + c.tag() + ">");
        }
    }

    // ------------------------------------------------------------------ commands

    private void configure(FirehoseElement c) throws IOException, BootExit, Refused {
        configures++;
        String mem = c.attr("MemoryName");
        // Sierra's built-in programmer knows its own NAND and takes any name: libqmi's
        // qmi-firmware-update configures real EM7565s with MemoryName="eMMC"
        if (!config.cwe() && (mem == null || !mem.equalsIgnoreCase(config.memoryName()))) {
            throw new Refused("Failed to initialize storage: this target has " + config.memoryName().toUpperCase(Locale.ROOT)
                    + ", not " + mem);
        }
        long asked = number(c, "MaxPayloadSizeToTargetInBytes");
        if (asked > config.maxPayload() || (config.nakFirstConfigure() && configures == 1)) {
            // the NAK is about the payload only: the storage is initialised with the target's
            // own size (qmi-firmware-update goes on with 8192 without configuring again)
            payload = config.maxPayload();
            configured = true;
            log("ERROR: Host's payload to target size is too large");
            respond("NAK", configureAttrs(config.maxPayload()));
            return;
        }
        if (asked <= 0 || (blocks != null && asked < blocks.sectorSize())) {
            throw new Refused("MaxPayloadSizeToTargetInBytes " + asked + " is not usable");
        }
        payload = (int) asked;
        configured = true;
        respond("ACK", configureAttrs(payload));
    }

    private Map<String, String> configureAttrs(int toTarget) {
        return attrs("MemoryName", config.memoryName(), "MinVersionSupported", 1, "Version", 1,
                "MaxPayloadSizeToTargetInBytes", toTarget, "MaxPayloadSizeToTargetInBytesSupported", config.maxPayload(),
                "MaxPayloadSizeFromTargetInBytes", 4096, "MaxXMLSizeInBytes", 4096, "DateTime", "Nov 22 2026 - 05:00:00",
                "TargetName", config.targetName());
    }

    private void requireConfigured() throws Refused {
        if (!configured) {
            throw new Refused("storage not initialised: send <configure> first");
        }
    }

    private void storageInfo(FirehoseElement c) throws IOException, BootExit, Refused {
        requireConfigured();
        if (config.cwe()) {
            log("sector_size_in_bytes=4096");
            log("pages_in_block=64");
            log("total_blocks=2048");
            log("mem_type=NAND");
        } else {
            int lun = lun(c);
            log(String.format("{\"storage_info\": {\"total_blocks\":%d, \"block_size\":%d, \"page_size\":%d,"
                            + " \"num_physical\":%d, \"manufacturer_id\":462, \"serial_num\":1234567,"
                            + " \"fw_version\":\"0300\", \"mem_type\":\"%s\", \"prod_name\":\"EMU%s\"}}",
                    blocks.sectors(lun), blocks.sectorSize(), blocks.sectorSize(), blocks.lunCount(),
                    config.memoryName().toUpperCase(Locale.ROOT), config.memoryName().toUpperCase(Locale.ROOT)));
        }
        ack(attrs());
    }

    private void program(FirehoseElement c) throws IOException, BootExit, Refused {
        requireConfigured();
        int ss = (int) number(c, "SECTOR_SIZE_IN_BYTES");
        long num = number(c, "num_partition_sectors");
        String start = require(c, "start_sector");
        if (num <= 0) {
            throw new Refused("num_partition_sectors must be positive, got " + num);
        }
        if (config.cwe() && start.strip().equals("-1")) {
            programCwe(c, ss, num);
            return;
        }
        if (blocks == null) {
            throw new Refused("start_sector " + start + " not supported: this programmer takes .cwe images only");
        }
        int lun = lun(c);
        checkSectorSize(ss);
        long first = sector(start, lun);
        checkRange(lun, first, num);
        respond("ACK", attrs("rawmode", "true"));
        long total = num * ss;
        long at = first * ss;
        long got = 0;
        boolean oversized = false;
        while (got < total) {
            int n = raw((int) Math.min(rawChunk(), total - got));
            oversized |= n > payload && io.transferBoundaries();
            blocks.write(lun, at + got, buf, 0, n);
            got += n;
            io.downloaded(n);
        }
        if (oversized) {
            nak("ERROR: raw data transfer larger than the negotiated payload of " + payload + " bytes");
            return;
        }
        if (io.faults().corruptSector(++programs, c.attr("label"))) {
            // failing flash: the middle sector keeps one byte other than it was sent, and nothing says so
            long bad = at + num / 2 * ss + ss / 2;
            byte[] one = new byte[1];
            blocks.read(lun, bad, one, 0, 1);
            one[0] ^= (byte) 0xA5;
            blocks.write(lun, bad, one, 0, 1);
        }
        log("Finished programming start_sector " + first + " and TotalSectorsToProgram " + num);
        respond("ACK", attrs("rawmode", "false"));
    }

    /** Sierra: the raw data is a whole .cwe file, zero-padded to whole sectors. */
    private void programCwe(FirehoseElement c, int ss, long num) throws IOException, BootExit, Refused {
        if (ss != 4096) {
            throw new Refused("SECTOR_SIZE_IN_BYTES " + ss + " does not match the NAND page size 4096");
        }
        String name = c.attr("filename");
        if (name == null || !name.toLowerCase(Locale.ROOT).endsWith(".cwe")) {
            throw new Refused("filename \"" + name + "\" is not a .cwe image");
        }
        String ppb = c.attr("PAGES_PER_BLOCK");
        if (ppb != null && !ppb.strip().equals("64")) {
            throw new Refused("PAGES_PER_BLOCK " + ppb + " does not match the NAND geometry (64)");
        }
        respond("ACK", attrs("rawmode", "true"));
        long total = num * ss;
        long got = 0;
        long keep = -1;
        String problem = null;
        ImageStore.Incoming in = null;
        try {
            while (got < total) {
                int n = raw((int) Math.min(rawChunk(), total - got));
                int from = 0;
                if (keep < 0) {
                    // the header decides where the image ends and how it is stored
                    if (got + n < CweHeader.SIZE) {
                        System.arraycopy(buf, 0, headerBuf, (int) got, n);
                        got += n;
                        io.downloaded(n);
                        continue;
                    }
                    int need = (int) (CweHeader.SIZE - got);
                    System.arraycopy(buf, 0, headerBuf, (int) got, need);
                    var h = CweHeader.parse(headerBuf);
                    if (h.isEmpty()) {
                        problem = "image is not a CWE file (bad header)";
                        keep = 0;
                    } else if (CweHeader.SIZE + h.get().imageSize() > total) {
                        problem = "CWE image of " + (CweHeader.SIZE + h.get().imageSize()) + " bytes does not fit in "
                                + num + " sectors";
                        keep = 0;
                    } else {
                        keep = CweHeader.SIZE + h.get().imageSize();
                        in = images.begin(h.get().type());
                        in.write(headerBuf, 0, CweHeader.SIZE);
                    }
                    from = need;
                    got += need;
                    n -= need;
                    io.downloaded(need);
                    System.arraycopy(buf, from, buf, 0, n);
                }
                if (in != null && got < keep) {
                    in.write(buf, 0, (int) Math.min(n, keep - got));
                }
                got += n;
                io.downloaded(n);
            }
            if (problem != null) {
                nak("ERROR: " + problem);
                return;
            }
            if (in == null) {
                nak("ERROR: image shorter than a CWE header");
                return;
            }
            in.commit();
        } finally {
            if (in != null) {
                in.close();
            }
        }
        log("Image written: " + keep + " bytes");
        respond("ACK", attrs("rawmode", "false"));
    }

    private void erase(FirehoseElement c) throws IOException, BootExit, Refused {
        requireConfigured();
        if (blocks == null) {
            ack(attrs());
            return;
        }
        int lun = lun(c);
        checkSectorSize((int) number(c, "SECTOR_SIZE_IN_BYTES"));
        String s = c.attr("start_sector");
        long first = s == null ? 0 : sector(s, lun);
        String n = c.attr("num_partition_sectors");
        long num = n == null ? blocks.sectors(lun) - first : number(c, "num_partition_sectors");
        checkRange(lun, first, num);
        blocks.zero(lun, first * blocks.sectorSize(), num * blocks.sectorSize());
        log("Erased " + num + " sectors at " + first + " of LUN " + lun);
        ack(attrs());
    }

    /** A region of a LUN named by a command (start_sector and num_partition_sectors required). */
    private record Span(int lun, long first, long num) {
    }

    private Span span(FirehoseElement c) throws Refused {
        requireConfigured();
        if (blocks == null) {
            throw new Refused("<" + c.tag() + "> is not supported on this target");
        }
        int lun = lun(c);
        checkSectorSize((int) number(c, "SECTOR_SIZE_IN_BYTES"));
        long first = sector(require(c, "start_sector"), lun);
        long num = number(c, "num_partition_sectors");
        checkRange(lun, first, num);
        return new Span(lun, first, num);
    }

    /** Something that takes a span's bytes chunk by chunk. */
    private interface ChunkSink {
        void accept(byte[] b, int len) throws IOException, BootExit;
    }

    private void readSpan(Span s, ChunkSink sink) throws IOException, BootExit {
        byte[] b = new byte[1 << 20];
        long total = s.num() * blocks.sectorSize();
        for (long done = 0; done < total; ) {
            int n = (int) Math.min(b.length, total - done);
            blocks.read(s.lun(), s.first() * blocks.sectorSize() + done, b, 0, n);
            sink.accept(b, n);
            done += n;
        }
    }

    private void read(FirehoseElement c) throws IOException, BootExit, Refused {
        Span s = span(c);
        respond("ACK", attrs("rawmode", "true"));
        readSpan(s, (b, n) -> io.write(b, 0, n));
        respond("ACK", attrs("rawmode", "false"));
    }

    private void patch(FirehoseElement c) throws IOException, BootExit, Refused {
        requireConfigured();
        if (blocks == null) {
            throw new Refused("patch is not supported on this target");
        }
        if (!"DISK".equalsIgnoreCase(c.attr("filename"))) {
            throw new Refused("patch of \"" + c.attr("filename") + "\": only filename=\"DISK\" patches the device");
        }
        int lun = lun(c);
        int ss = (int) number(c, "SECTOR_SIZE_IN_BYTES");
        checkSectorSize(ss);
        long sector = sector(require(c, "start_sector"), lun);
        long byteOffset = number(c, "byte_offset");
        int size = (int) number(c, "size_in_bytes");
        if (size < 1 || size > 8) {
            throw new Refused("size_in_bytes " + size + " is not 1..8");
        }
        String valueText = require(c, "value");
        long value;
        Matcher m = CRC.matcher(valueText);
        if (m.matches()) {
            long from = sector(m.group(1).trim(), lun);
            long len = evaluate(m.group(2).trim(), lun, "CRC32 length");
            long lunBytes = blocks.sectors(lun) * ss;
            if (len < 0 || len > (64 << 20) || from * ss > lunBytes - len) {
                throw new Refused("CRC32 range " + valueText + " is outside LUN " + lun);
            }
            byte[] data = new byte[(int) len];
            blocks.read(lun, from * ss, data, 0, data.length);
            CRC32 crc = new CRC32();
            crc.update(data);
            value = crc.getValue();
        } else {
            value = evaluate(valueText, lun, "value");
        }
        long at = sector * ss + byteOffset;
        if (byteOffset < 0 || at < 0 || at > blocks.sectors(lun) * ss - size) {
            throw new Refused("patch at sector " + sector + " byte " + byteOffset + " is outside LUN " + lun);
        }
        byte[] le = new byte[size];
        for (int i = 0; i < size; i++) {
            le[i] = (byte) (value >>> (8 * i));
        }
        blocks.write(lun, at, le, 0, size);
        log("Patched sector " + sector + " byte " + byteOffset + " with " + value);
        ack(attrs());
    }

    private void sha256(FirehoseElement c) throws IOException, BootExit, Refused {
        Span s = span(c);
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        readSpan(s, (b, n) -> md.update(b, 0, n));
        log("Digest " + HexFormat.of().withUpperCase().formatHex(md.digest()));
        ack(attrs());
    }

    private void power(FirehoseElement c) throws IOException, BootExit, Refused {
        String v = require(c, "value").toLowerCase(Locale.ROOT);
        BootExit.Outcome next = switch (v) {
            case "reset", "off" -> BootExit.Outcome.APPLICATION;
            case "edl" -> BootExit.Outcome.DOWNLOAD;
            default -> throw new Refused("power value \"" + v + "\" is not reset, off or edl");
        };
        io.stage("reset");
        ack(attrs());
        log("Resetting the device");
        throw new BootExit(next, "power " + v);
    }

    // ------------------------------------------------------------------ parsing helpers

    private int lun(FirehoseElement c) throws Refused {
        String v = c.attr("physical_partition_number");
        long lun = v == null ? 0 : number(c, "physical_partition_number");
        if (blocks == null || !blocks.hasLun((int) lun) || lun > Integer.MAX_VALUE) {
            throw new Refused("physical_partition_number " + v + " does not exist");
        }
        return (int) lun;
    }

    private void checkSectorSize(int ss) throws Refused {
        if (ss != blocks.sectorSize()) {
            throw new Refused("SECTOR_SIZE_IN_BYTES " + ss + " does not match the storage (" + blocks.sectorSize() + ")");
        }
    }

    private void checkRange(int lun, long first, long num) throws Refused {
        if (first < 0 || num < 0 || first > blocks.sectors(lun) - num) {
            throw new Refused("sectors " + first + ".." + (first + num) + " are outside LUN " + lun + " ("
                    + blocks.sectors(lun) + " sectors)");
        }
    }

    private long sector(String expr, int lun) throws Refused {
        return evaluate(expr, lun, "start_sector");
    }

    private long evaluate(String expr, int lun, String what) throws Refused {
        OptionalLong v = new SectorExpr(expr).evaluate(blocks.sectors(lun));
        if (v.isEmpty()) {
            throw new Refused("cannot evaluate " + what + " \"" + expr + "\"");
        }
        return v.getAsLong();
    }

    private static String require(FirehoseElement c, String name) throws Refused {
        String v = c.attr(name);
        if (v == null) {
            throw new Refused("<" + c.tag() + "> has no " + name + " attribute");
        }
        return v;
    }

    private static long number(FirehoseElement c, String name) throws Refused {
        String v = require(c, name).strip();
        try {
            return v.startsWith("0x") || v.startsWith("0X") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new Refused(name + "=\"" + v + "\" is not a number");
        }
    }

    // ------------------------------------------------------------------ wire

    /**
     * The next command document. Bytes that cannot start a document (raw data the host sent
     * beyond what a program announced) are refused with a NAK, as programmers do.
     */
    private FirehoseElement nextCommand() throws IOException, BootExit {
        while (true) {
            String doc;
            try {
                doc = splitter.next();
            } catch (FirehoseXmlException e) {
                nak("ERROR: XML not formed correctly: " + e.getMessage());
                continue;
            }
            if (doc != null) {
                if (splitter.lastLength() > MAX_XML) {
                    nak("ERROR: XML document of " + splitter.lastLength() + " bytes exceeds MaxXMLSizeInBytes " + MAX_XML);
                    continue;
                }
                List<FirehoseElement> els;
                try {
                    els = FirehoseXml.parse(doc);
                } catch (FirehoseXmlException e) {
                    nak("ERROR: XML not formed correctly: " + e.getMessage());
                    continue;
                }
                if (els.size() != 1) {
                    nak("ERROR: expected exactly one command per document, got " + els.size());
                    continue;
                }
                if (closes(doc, els.get(0).tag())) {
                    // programmers parse <x/> only: <x></x> is refused
                    nak("ERROR: <" + els.get(0).tag() + "> must be an empty element (<" + els.get(0).tag() + " .../>)");
                    continue;
                }
                return els.get(0);
            }
            int n = io.read(buf, 0, buf.length);
            if (splitter.isEmpty() && !startsLikeXml(buf, n)) {
                nak("ERROR: " + n + " bytes that are not XML (raw data beyond the announced size?)");
                continue;
            }
            splitter.feed(buf, 0, n);
        }
    }

    /** True when the document closes the command with an end tag ({@code </program>}). */
    private static boolean closes(String doc, String tag) {
        return Pattern.compile("</\\s*" + Pattern.quote(tag) + "\\s*>", Pattern.CASE_INSENSITIVE).matcher(doc).find();
    }

    private static boolean startsLikeXml(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (!Character.isWhitespace(b[i])) {
                return b[i] == '<';
            }
        }
        return true;
    }

    /**
     * How much one raw read asks for: where transfers end only at short packets a programmer
     * posts reads of its negotiated payload (a host streaming full packets without a ZLP fills
     * one after the other); elsewhere all that fits, so a host transfer larger than the
     * payload shows.
     */
    private int rawChunk() {
        return io.packets() ? payload : buf.length;
    }

    /**
     * Raw bytes after a rawmode ACK: first what the splitter already holds. On USB that can
     * only be the rest of the command's own transfer (a host's trailing newline after
     * {@code </data>}, as libxml2 writes it for Debian's qdl): the device's next read starts a
     * new transfer, so it is dropped, not counted as data. On a byte stream nothing tells
     * them apart, so it is data.
     */
    private int raw(int max) throws IOException, BootExit {
        if (io.transferBoundaries() && !splitter.isEmpty()) {
            splitter.takeRaw(new byte[splitter.pending()], 0, splitter.pending());
        }
        int n = splitter.isEmpty() ? 0 : splitter.takeRaw(buf, 0, max);
        return n > 0 ? n : io.read(buf, 0, max);
    }

    private void log(String text) throws IOException, BootExit {
        io.write(FirehoseXml.command("log", attrs("value", text)));
    }

    private void ack(Map<String, String> extra) throws IOException, BootExit {
        respond("ACK", extra);
    }

    private void nak(String reason) throws IOException, BootExit {
        log(reason);
        respond("NAK", attrs());
    }

    private void respond(String value, Map<String, String> extra) throws IOException, BootExit {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("value", value);
        a.putAll(extra);
        io.write(FirehoseXml.command("response", a));
    }
}
