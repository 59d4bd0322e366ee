package io.modemflash.images.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which chips a signed Firehose loader is for, from its own hash segment: the certificate
 * chain after the hash table (DER, attestation certificate first, root last). The root's
 * SHA-256 (SHA-384 on parts that report a 48-byte hash) is the OEM PK hash the chip reports
 * in Sahara command mode; the attestation certificate's OU fields carry
 * {@code "02 <16 hex> HW_ID"} (MSM id, OEM id, model id), {@code "04 <hex> OEM_ID"} and
 * {@code "06 <hex> MODEL_ID"}.
 *
 * @param msmId   from HW_ID (its upper 32 bits), or null
 * @param oemId   OEM_ID, else from HW_ID, or null
 * @param modelId MODEL_ID, else from HW_ID, or null
 * @param root    the root certificate's DER bytes
 */
public record LoaderIdentity(Long msmId, Integer oemId, Integer modelId, byte[] root) {
    private static final Pattern FIELD = Pattern.compile("(0[246]) ([0-9A-Fa-f]{4,16}) (HW_ID|OEM_ID|MODEL_ID)");
    /** Hash segments are a few KiB; anything beyond 1 MiB is not one. */
    private static final int MAX_HASH_SEGMENT = 1 << 20;

    /** The identity of the loader ELF at {@code file}; empty when it is not an ELF or carries no certificate chain. */
    public static Optional<LoaderIdentity> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(4);
            ch.read(head, 0);
            if (!ElfImage.looksLikeElf(head.array())) {
                return Optional.empty();
            }
            ElfImage elf;
            try {
                elf = ElfImage.parse(ch, file.getFileName().toString());
            } catch (IOException e) {
                return Optional.empty();
            }
            ElfImage.Segment hash = elf.hashSegment();
            if (hash == null || hash.filesz() <= 0 || hash.filesz() > MAX_HASH_SEGMENT || hash.end() > ch.size()) {
                return Optional.empty();
            }
            ByteBuffer b = ByteBuffer.allocate((int) hash.filesz());
            while (b.hasRemaining() && ch.read(b, hash.offset() + b.position()) > 0) {
                // positional reads until the segment is in
            }
            return parse(b.array());
        }
    }

    /** The identity in a hash segment's bytes; empty without a certificate chain. */
    public static Optional<LoaderIdentity> parse(byte[] seg) {
        List<int[]> certs = new ArrayList<>();
        for (int i = 0; i + 8 <= seg.length; ) {
            // a certificate: SEQUENCE (long form, 2 length bytes) holding the tbsCertificate SEQUENCE
            if ((seg[i] & 0xff) == 0x30 && (seg[i + 1] & 0xff) == 0x82 && (seg[i + 4] & 0xff) == 0x30) {
                int len = ((seg[i + 2] & 0xff) << 8) | (seg[i + 3] & 0xff);
                if (len >= 64 && i + 4 + len <= seg.length) {
                    certs.add(new int[] {i, 4 + len});
                    i += 4 + len;
                    continue;
                }
            }
            i++;
        }
        if (certs.isEmpty()) {
            return Optional.empty();
        }
        Long msm = null;
        Integer oem = null;
        Integer model = null;
        for (int[] c : certs) {
            Matcher m = FIELD.matcher(new String(seg, c[0], c[1], StandardCharsets.ISO_8859_1));
            while (m.find()) {
                long v = Long.parseUnsignedLong(m.group(2), 16);
                switch (m.group(3)) {
                    case "HW_ID" -> {
                        msm = v >>> 32;
                        oem = oem == null ? (int) ((v >>> 16) & 0xffff) : oem;
                        model = model == null ? (int) (v & 0xffff) : model;
                    }
                    case "OEM_ID" -> oem = (int) v;
                    default -> model = (int) v;
                }
            }
        }
        int[] last = certs.get(certs.size() - 1);
        byte[] root = java.util.Arrays.copyOfRange(seg, last[0], last[0] + last[1]);
        return Optional.of(new LoaderIdentity(msm, oem, model, root));
    }

    /** The root's hash as a chip reporting a {@code length}-byte PK hash computes it (32: SHA-256, 48: SHA-384). */
    public byte[] pkHash(int length) {
        try {
            return MessageDigest.getInstance(length == 48 ? "SHA-384" : "SHA-256").digest(root);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether this loader is for a chip with that MSM id and PK hash (both must agree). */
    public boolean fits(long chipMsmId, byte[] chipPkHash) {
        return msmId != null && msmId == chipMsmId && chipPkHash != null
                && java.util.Arrays.equals(pkHash(chipPkHash.length), chipPkHash);
    }
}
