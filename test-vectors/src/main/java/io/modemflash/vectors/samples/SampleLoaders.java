package io.modemflash.vectors.samples;

import io.modemflash.images.elf.ElfWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Signed-looking Firehose loaders for the loader lookup: ELF programmers like
 * {@link SamplePackages}'s whose hash segment holds an MBN header, a hash table, a signature
 * and a certificate chain (attestation certificate with the OU fields HW_ID, OEM_ID,
 * MODEL_ID; CA; root). The "certificates" are DER SEQUENCEs shaped like real ones (long-form
 * lengths, a tbsCertificate SEQUENCE inside), not parseable X.509: what identifies a loader
 * is its OU text and its root's hash. The emulated EDL chip trusts {@link #EDL_ROOT}.
 */
public final class SampleLoaders {
    public static final long EDL_MSM_ID = 0x000CE0E1L;
    public static final int EDL_OEM_ID = 0x0001;
    public static final int EDL_MODEL_ID = 0x0000;
    public static final String EDL_ROOT = "modemflash sample OEM root CA";

    /** What {@link #write} puts in a directory. */
    public static final String FITS = "prog_firehose_fits.elf";
    public static final String OTHER_CHIP = "prog_firehose_other_chip.elf";
    public static final String OTHER_OEM = "prog_firehose_other_oem.elf";
    public static final String UNSIGNED = "prog_firehose_unsigned.elf";

    private SampleLoaders() {
    }

    /** The PK hash the emulated EDL chip reports: SHA-256 of {@link #EDL_ROOT}'s certificate. */
    public static byte[] edlPkHash() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(cert(EDL_ROOT, ""));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes four loaders: one for the emulated EDL chip, one for another MSM, one signed by
     * another OEM's root, and one without a certificate chain (the sample programmer).
     */
    public static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(FITS), loader(EDL_MSM_ID, EDL_OEM_ID, EDL_MODEL_ID, EDL_ROOT));
        Files.write(dir.resolve(OTHER_CHIP), loader(0x0009600E1L, EDL_OEM_ID, EDL_MODEL_ID, EDL_ROOT));
        Files.write(dir.resolve(OTHER_OEM), loader(EDL_MSM_ID, 0x0042, EDL_MODEL_ID, "another OEM's root CA"));
        Files.write(dir.resolve(UNSIGNED), SamplePackages.programmer());
        Files.writeString(dir.resolve("README.txt"), "not a loader\n");
        return dir;
    }

    /** A loader ELF for that chip, signed (in shape) under the named root. */
    public static byte[] loader(long msmId, int oemId, int modelId, String rootName) {
        long hwId = msmId << 32 | (long) oemId << 16 | modelId;
        String ou = String.format("OU=01 0000000000000003 SW_ID OU=02 %016X HW_ID OU=04 %04X OEM_ID OU=05 00000000 "
                + "SW_SIZE OU=06 %04X MODEL_ID OU=07 0001 SHA256", hwId, oemId, modelId);
        ByteArrayOutputStream hash = new ByteArrayOutputStream();
        hash.writeBytes(SamplePackages.bytes(msmId ^ oemId, 40));  // MBN header
        hash.writeBytes(SamplePackages.bytes(9021, 3 * 32));       // hash table
        hash.writeBytes(SamplePackages.bytes(9022, 256));          // signature
        hash.writeBytes(cert("attestation " + rootName, ou));
        hash.writeBytes(cert("attestation CA of " + rootName, ""));
        hash.writeBytes(cert(rootName, ""));
        byte[] text = SamplePackages.bytes(9010 + msmId + oemId, 0x3000);
        byte[] banner = "Firehose sample loader (modemflash test vector)".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(banner, 0, text, 0, banner.length);
        byte[] seg = hash.toByteArray();
        return ElfWriter.elf64(183, 0x14680000L, List.of(
                new ElfWriter.Seg(0, 0x07000000L, 0, 0, new byte[0], 0),
                new ElfWriter.Seg(0, ElfWriter.QCOM_HASH_FLAGS, 0x1000, 0x14690000L, seg, 0x1000),
                new ElfWriter.Seg(1, 0x80000005L, 0x2000, 0x14680000L, text, 0x3000),
                new ElfWriter.Seg(1, 0x80000006L, 0x5000, 0x14684000L, SamplePackages.bytes(9012, 0x900), 0x2000)));
    }

    /** SEQUENCE { SEQUENCE { subject text, OU text, padding } } with two-byte long-form lengths. */
    static byte[] cert(String subject, String ou) {
        byte[] body = ("CN=" + subject + " " + ou + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] tbs = new byte[Math.max(body.length, 200)];
        System.arraycopy(body, 0, tbs, 0, body.length);
        byte[] inner = der(tbs);
        return der(inner);
    }

    private static byte[] der(byte[] content) {
        byte[] out = new byte[4 + content.length];
        out[0] = 0x30;
        out[1] = (byte) 0x82;
        out[2] = (byte) (content.length >>> 8);
        out[3] = (byte) content.length;
        System.arraycopy(content, 0, out, 4, content.length);
        return out;
    }
}
