package io.modemflash.fuzz;

import io.modemflash.images.cwe.CweBuilder;
import io.modemflash.images.elf.ElfWriter;
import io.modemflash.images.sparse.SparseWriter;
import io.modemflash.qdl.hdlc.QdlCodec;
import io.modemflash.qdl.hdlc.QdlMessage;
import io.modemflash.qdl.sahara.SaharaCodec;
import io.modemflash.qdl.sahara.SaharaPacket;
import io.modemflash.qmi.Hex;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed inputs of the fuzz targets, made from test-vectors (PROTOCOLS.md section 7's golden
 * vectors) and from the codecs' own encoders for messages the vectors lack. Each seed is one
 * split byte (see {@link Split}) followed by the vector. They live in the Jazzer inputs
 * directories next to the findings; SeedCorpusTest keeps them equal to what this class makes.
 * {@code main(fuzzModuleDir)} rewrites them.
 */
final class SeedCorpus {
    private SeedCorpus() {
    }

    /** Target ("Class/method") to seed file name to bytes. */
    static Map<String, Map<String, byte[]>> seeds() {
        Map<String, Map<String, byte[]>> all = new LinkedHashMap<>();
        Map<String, byte[]> qmi = new LinkedHashMap<>();
        for (String v : List.of("ctl-allocate-cid-dms", "ctl-internal-proxy-open", "dms-get-ids-response",
                "dms-get-model-trailing-tab", "dms-request-ffff", "dms-response-ffff-internal", "dms-response-ffff-ok",
                "dms-swi-get-current-firmware-mc7455", "nas-get-signal-strength-response",
                "sdu-tlv-length-without-body", "sdu-too-short")) {
            qmi.put("seed-" + v, seed(Hex.parse(stripComments(vector("qmi/" + v + ".hex")))));
        }
        all.put("ProtocolFuzzTest/qmi", qmi);

        Map<String, byte[]> hdlc = new LinkedHashMap<>();
        for (String v : List.of("ack", "close-unframed", "dload-sdp", "reset")) {
            hdlc.put("seed-" + v, seed(Hex.parse(stripComments(vector("hdlc/" + v + ".hex")))));
        }
        hdlc.put("seed-hello", seed(QdlCodec.toWire(new QdlMessage.Hello("QCOM fast download protocol host", 6, 4, 9))));
        hdlc.put("seed-open-unframed", seed(QdlCodec.toWire(new QdlMessage.OpenUnframed(0x80, 1000, 1, 1024,
                new byte[0]))));
        hdlc.put("seed-write-rsp", seed(QdlCodec.toWire(new QdlMessage.WriteRsp(1, 0, 0))));
        all.put("ProtocolFuzzTest/hdlc", hdlc);

        Map<String, byte[]> sahara = new LinkedHashMap<>();
        sahara.put("seed-hello", seed(SaharaCodec.encode(new SaharaPacket.Hello(2, 1, 0x400, 0))));
        sahara.put("seed-read-data", seed(SaharaCodec.encode(new SaharaPacket.ReadData(13, 0, 0x34))));
        sahara.put("seed-read-data64", seed(SaharaCodec.encode(new SaharaPacket.ReadData64(13, 0x1000, 0x2000))));
        sahara.put("seed-end-of-image", seed(SaharaCodec.encode(new SaharaPacket.EndOfImageTx(13, 0))));
        sahara.put("seed-done-resp", seed(SaharaCodec.encode(new SaharaPacket.DoneResp(1))));
        sahara.put("seed-execute-resp", seed(SaharaCodec.encode(new SaharaPacket.ExecuteResp(0xFF00, 0))));
        sahara.put("seed-memory-debug64", seed(SaharaCodec.encode(new SaharaPacket.MemoryDebug64(0x1000, 0x60))));
        all.put("ProtocolFuzzTest/sahara", sahara);

        Map<String, byte[]> firehose = new LinkedHashMap<>();
        for (String v : List.of("ack-rawmode", "ack", "configure-nak-9x55", "log-swi-supported")) {
            firehose.put("seed-" + v, seed(vector("firehose/" + v + ".xml").getBytes(StandardCharsets.UTF_8)));
        }
        firehose.put("seed-banner", seed(("<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data><log value=\"Supported "
                + "Functions (3):\"/></data><?xml version=\"1.0\" ?><data><log value=\"program\"/></data>"
                + "<data><log value=\"total_blocks=2048\"/></data><data><log value=\"End of supported functions 3\"/>"
                + "</data><data><response value=\"ACK\" MaxPayloadSizeToTargetInBytes=\"1048576\"/></data>")
                .getBytes(StandardCharsets.UTF_8)));
        all.put("ProtocolFuzzTest/firehose", firehose);
        deviceSide(all);
        packages(all);
        return all;
    }

    /** Host traffic for the emulator's device sides (emulator module, DeviceSideFuzzTest). */
    private static void deviceSide(Map<String, Map<String, byte[]>> all) {
        Map<String, byte[]> qmi = new LinkedHashMap<>();
        for (String v : List.of("ctl-allocate-cid-dms", "ctl-internal-proxy-open", "dms-request-ffff")) {
            qmi.put("seed-" + v, deviceSeed(Hex.parse(stripComments(vector("qmi/" + v + ".hex")))));
        }
        all.put("emulator:DeviceSideFuzzTest/qmi", qmi);

        Map<String, byte[]> sahara = new LinkedHashMap<>();
        sahara.put("seed-hello-resp-image", deviceSeed(SaharaCodec.encode(new SaharaPacket.HelloResp(2, 1, 0, 0))));
        sahara.put("seed-command-mode", deviceSeed(concat(SaharaCodec.encode(new SaharaPacket.HelloResp(2, 1, 0, 3)),
                SaharaCodec.encode(new SaharaPacket.Execute(1)), SaharaCodec.encode(new SaharaPacket.ExecuteData(1)),
                SaharaCodec.encode(new SaharaPacket.SwitchMode(0)))));
        sahara.put("seed-reset", deviceSeed(SaharaCodec.encode(new SaharaPacket.Reset())));
        all.put("emulator:DeviceSideFuzzTest/sahara", sahara);

        String prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data>";
        Map<String, byte[]> firehose = new LinkedHashMap<>();
        firehose.put("seed-configure-program", deviceSeed(concat(
                (prolog + "<configure MemoryName=\"ufs\" MaxPayloadSizeToTargetInBytes=\"1048576\" ZlpAwareHost=\"1\" "
                        + "SkipStorageInit=\"0\"/></data>").getBytes(StandardCharsets.UTF_8),
                (prolog + "<program SECTOR_SIZE_IN_BYTES=\"4096\" num_partition_sectors=\"1\" "
                        + "physical_partition_number=\"0\" start_sector=\"2\" filename=\"a.img\"/></data>")
                        .getBytes(StandardCharsets.UTF_8), new byte[4096])));
        firehose.put("seed-erase-patch-digest", deviceSeed((prolog + "<configure MemoryName=\"ufs\"/></data>" + prolog
                + "<erase SECTOR_SIZE_IN_BYTES=\"4096\" num_partition_sectors=\"4\" physical_partition_number=\"1\" "
                + "start_sector=\"0\"/></data>" + prolog + "<patch SECTOR_SIZE_IN_BYTES=\"4096\" byte_offset=\"8\" "
                + "filename=\"DISK\" physical_partition_number=\"0\" size_in_bytes=\"4\" start_sector=\"NUM_DISK_SECTORS-1.\" "
                + "value=\"CRC32(2,4096)\"/></data>" + prolog + "<getsha256digest SECTOR_SIZE_IN_BYTES=\"4096\" "
                + "num_partition_sectors=\"2\" physical_partition_number=\"0\" start_sector=\"0\"/></data>" + prolog
                + "<read SECTOR_SIZE_IN_BYTES=\"4096\" num_partition_sectors=\"1\" physical_partition_number=\"0\" "
                + "start_sector=\"0\"/></data>" + prolog + "<nop/></data>").getBytes(StandardCharsets.UTF_8)));
        all.put("emulator:DeviceSideFuzzTest/firehose", firehose);

        Map<String, byte[]> sierra = new LinkedHashMap<>();
        sierra.put("seed-ping-configure", deviceSeed((prolog + "<NOP value=\"ping\"/></data>" + prolog
                + "<configure MemoryName=\"nand\" MaxPayloadSizeToTargetInBytes=\"8192\"/></data>" + prolog
                + "<getStorageInfo physical_partition_number=\"0\"/></data>" + prolog + "<program PAGES_PER_BLOCK=\"64\" "
                + "SECTOR_SIZE_IN_BYTES=\"4096\" filename=\"spkg.cwe\" num_partition_sectors=\"1\" "
                + "physical_partition_number=\"0\" start_sector=\"-1\"/></data>").getBytes(StandardCharsets.UTF_8)));
        all.put("emulator:DeviceSideFuzzTest/sierraFirehose", sierra);

        Map<String, byte[]> qdl = new LinkedHashMap<>();
        qdl.put("seed-hello-open", deviceSeed(concat(
                QdlCodec.toWire(new QdlMessage.Hello("QCOM fast download protocol host", 6, 4, 9)),
                QdlCodec.toWire(new QdlMessage.OpenUnframed(0x80, 1000, 1, 600, new byte[400])),
                QdlCodec.toWire(new QdlMessage.CloseUnframed()), QdlCodec.toWire(new QdlMessage.Reset()))));
        qdl.put("seed-dload-sdp", deviceSeed(Hex.parse(stripComments(vector("hdlc/dload-sdp.hex")))));
        all.put("emulator:DeviceSideFuzzTest/qdl", qdl);
    }

    private static final String FW = "SWI9X30C_02.38.00.00";

    static byte[] smallCwe() {
        return CweBuilder.build(CweBuilder.parent("SPKG", "9X30", FW, CweBuilder.leaf("BOOT", "9X30", FW, new byte[64]),
                CweBuilder.leaf("MODM", "9X30", FW, "QC_IMAGE_VERSION_STRING=MPSS.1\0".getBytes(StandardCharsets.US_ASCII))));
    }

    static byte[] smallProgrammer() {
        return ElfWriter.elf64(183, 0x14000000L, List.of(
                new ElfWriter.Seg(0, 0x07000000L, 0, 0, new byte[0], 0),
                new ElfWriter.Seg(0, ElfWriter.QCOM_HASH_FLAGS, 0x200, 0x14010000L, new byte[0x40], 0x1000),
                new ElfWriter.Seg(1, 0x80000005L, 0x300, 0x14000000L, new byte[0x80], 0x4000)));
    }

    static byte[] smallSparse() {
        try {
            Path t = Files.createTempFile("modemflash-seed-", ".img");
            try {
                SparseWriter.write(t, 4096, List.of(new SparseWriter.Raw(new byte[4096]), new SparseWriter.Fill(0x5A5A5A5A, 2),
                        new SparseWriter.DontCare(3), new SparseWriter.Crc(0x1234)));
                return Files.readAllBytes(t);
            } finally {
                Files.delete(t);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The flat build PackageFuzzTest.rawprogram puts each rawprogram0.xml into. */
    static void flatBuildWithoutXml(Path d) throws IOException {
        Files.createDirectories(d);
        Files.write(d.resolve("prog_firehose_ddr.elf"), smallProgrammer());
        Files.write(d.resolve("modem.img"), "QC_IMAGE_VERSION_STRING=MPSS.AT.1\0".getBytes(StandardCharsets.US_ASCII));
        Files.write(d.resolve("system.img"), smallSparse());
    }

    static final String RAWPROGRAM = """
            <?xml version="1.0" ?>
            <data>
              <program SECTOR_SIZE_IN_BYTES="512" file_sector_offset="0" filename="modem.img" label="modem"
                 num_partition_sectors="0" physical_partition_number="0" start_sector="34" sparse="false"/>
              <program SECTOR_SIZE_IN_BYTES="4096" filename="system.img" label="system" sparse="true"
                 num_partition_sectors="0" physical_partition_number="1" start_sector="6"/>
              <erase SECTOR_SIZE_IN_BYTES="512" physical_partition_number="0" start_sector="400" num_partition_sectors="8"/>
              <program SECTOR_SIZE_IN_BYTES="512" filename="modem.img" num_partition_sectors="5"
                 physical_partition_number="0" start_sector="NUM_DISK_SECTORS-5."/>
            </data>
            """;

    static final String PATCH = """
            <?xml version="1.0" ?>
            <patches>
              <patch SECTOR_SIZE_IN_BYTES="512" byte_offset="72" filename="DISK" physical_partition_number="0"
                 size_in_bytes="8" start_sector="NUM_DISK_SECTORS-1." value="NUM_DISK_SECTORS-5." what="backup GPT lba"/>
              <patch SECTOR_SIZE_IN_BYTES="512" byte_offset="88" filename="DISK" physical_partition_number="0"
                 size_in_bytes="4" start_sector="1" value="CRC32(2,4096)" what="crc"/>
            </patches>
            """;

    private static void packages(Map<String, Map<String, byte[]>> all) {
        all.put("PackageFuzzTest/cwe", Map.of("seed-spkg", smallCwe()));
        all.put("PackageFuzzTest/sparse", Map.of("seed-sparse", smallSparse()));
        all.put("PackageFuzzTest/elf", Map.of("seed-programmer", smallProgrammer()));
        all.put("PackageFuzzTest/rawprogram", Map.of("seed-rawprogram", RAWPROGRAM.getBytes(StandardCharsets.UTF_8)));
        all.put("PackageFuzzTest/patch", Map.of("seed-patch", PATCH.getBytes(StandardCharsets.UTF_8)));
        Map<String, byte[]> archives = new LinkedHashMap<>();
        try {
            byte[] cwe = smallCwe();
            archives.put("seed-zip", archiveSeed(0, Archives.zip(FW + ".cwe", cwe)));
            archives.put("seed-tar", archiveSeed(1, Archives.tar(FW + ".cwe", cwe)));
            archives.put("seed-tar-gz", archiveSeed(2, Archives.gzip(Archives.tar(FW + ".cwe", cwe))));
            archives.put("seed-tar-xz", archiveSeed(3, Archives.xz(Archives.tar(FW + ".cwe", cwe))));
            archives.put("seed-7z", archiveSeed(4, Archives.sevenZ(FW + ".cwe", cwe)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        all.put("PackageFuzzTest/archive", archives);
    }

    private static byte[] archiveSeed(int format, byte[] archive) {
        byte[] b = seed(archive);
        b[0] = (byte) format;
        return b;
    }

    /** The emulator targets cut by (first byte * 4 + 1): 0x40 sends 257-byte transfers. */
    private static byte[] deviceSeed(byte[] traffic) {
        byte[] b = seed(traffic);
        b[0] = 0x40;
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] seed(byte[] vector) {
        byte[] b = new byte[vector.length + 1];
        b[0] = 0x3f; // split seed: 64-byte first piece
        System.arraycopy(vector, 0, b, 1, vector.length);
        return b;
    }

    static String vector(String name) {
        try (InputStream in = SeedCorpus.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test-vectors has no " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String stripComments(String hex) {
        return hex.lines().map(l -> l.replaceAll("#.*", "")).reduce("", (a, b) -> a + " " + b);
    }

    /**
     * The inputs directory of a target ("Class/method", or "emulator:Class/method" for the
     * emulator module's device sides) given the fuzz module's directory.
     */
    static Path inputs(Path fuzzModule, String target) {
        String[] cm = target.split("/");
        if (cm[0].startsWith("emulator:")) {
            return fuzzModule.resolve("../emulator/src/test/resources/io/modemflash/emulator/boot")
                    .resolve(cm[0].substring("emulator:".length()) + "Inputs").resolve(cm[1]).normalize();
        }
        return fuzzModule.resolve("src/test/resources/io/modemflash/fuzz").resolve(cm[0] + "Inputs").resolve(cm[1]);
    }

    public static void main(String[] args) throws IOException {
        Path module = Path.of(args.length > 0 ? args[0] : "fuzz");
        for (var t : seeds().entrySet()) {
            Path dir = inputs(module, t.getKey());
            Files.createDirectories(dir);
            for (var s : t.getValue().entrySet()) {
                Files.write(dir.resolve(s.getKey()), s.getValue());
            }
        }
    }
}
