package io.modemflash.vectors.samples;

import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.PackageImage;
import io.modemflash.images.flat.FlatBuild;
import io.modemflash.images.flat.FlatOp;
import io.modemflash.images.flat.SectorExpr;
import io.modemflash.images.sparse.SparseImage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * What every LUN of a device must hold, byte for byte, after a flat build was flashed on
 * storage that started all zero. Tests compare an emulator's storage with this.
 *
 * <p>Rules (those of linux-msm qdl and real programmers): operations in package order;
 * a raw {@code <program>} writes the file from {@code file_sector_offset}, rounded up to
 * whole sectors with zero padding, and leaves the rest of the partition alone; a sparse one
 * writes RAW and FILL chunks and skips DONT_CARE; {@code <erase>} writes zeros; only
 * {@code filename="DISK"} patches apply, their value little-endian in
 * {@code size_in_bytes} bytes, {@code CRC32(sector,len)} being zlib's CRC-32 of the disk
 * bytes at that moment.
 */
public final class ExpectedStorage {
    private static final Pattern CRC = Pattern.compile("\\s*CRC32\\s*\\((.+),(.+)\\)\\s*", Pattern.CASE_INSENSITIVE);

    private ExpectedStorage() {
    }

    /** The samples' own LUN sizes: both LUNs {@link SamplePackages#EDL_LUN_SECTORS} sectors. */
    public static Map<Integer, byte[]> forSample(Path edlPackage) throws IOException {
        return compute(edlPackage, Map.of(0, SamplePackages.EDL_LUN_SECTORS, 1, SamplePackages.EDL_LUN_SECTORS));
    }

    /** @param lunSectors disk size of each LUN in sectors (what NUM_DISK_SECTORS means there) */
    public static Map<Integer, byte[]> compute(Path flatPackage, Map<Integer, Long> lunSectors) throws IOException {
        try (FirmwarePackage pkg = FirmwarePackage.open(flatPackage, Limits.defaults())) {
            FlatBuild fb = pkg.flatBuild().orElseThrow(() -> new IllegalArgumentException(flatPackage
                    + " is not a Qualcomm flat build"));
            Map<Integer, byte[]> disks = new TreeMap<>();
            for (FlatOp op : fb.operations()) {
                long sectors = lunSectors.getOrDefault(op.lun(), -1L);
                if (sectors < 0) {
                    throw new IllegalArgumentException("no size given for LUN " + op.lun());
                }
                byte[] disk = disks.computeIfAbsent(op.lun(), l -> new byte[Math.toIntExact(sectors * op.sectorSize())]);
                apply(op, disk, sectors);
            }
            return disks;
        }
    }

    private static long eval(SectorExpr e, long sectors, String what) {
        return e.evaluate(sectors).orElseThrow(() -> new IllegalArgumentException("cannot evaluate " + what + " '"
                + e.text() + "'"));
    }

    private static void apply(FlatOp op, byte[] disk, long sectors) throws IOException {
        int ss = op.sectorSize();
        if (op instanceof FlatOp.Program p) {
            long base = eval(p.startSector(), sectors, "start_sector") * ss;
            PackageImage img = p.image();
            if (p.sparse()) {
                SparseImage s = img.sparse();
                try (FileChannel ch = img.openChannel()) {
                    for (SparseImage.Chunk c : s.chunks(ch, img.name())) {
                        int at = Math.toIntExact(base + c.startByte(s.blockSize()));
                        int len = Math.toIntExact(c.lengthBytes(s.blockSize()));
                        check(disk, at, len, p);
                        if (c.type() == SparseImage.ChunkType.RAW) {
                            PackageImage.readFully(ch, ByteBuffer.wrap(disk, at, len), c.dataOffset());
                        } else if (c.type() == SparseImage.ChunkType.FILL) {
                            ByteBuffer.wrap(disk, at, len).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer()
                                    .put(fill(c.value(), len / 4));
                        }
                    }
                }
            } else {
                int len = Math.toIntExact(p.sectorsToWrite() * ss);
                int at = Math.toIntExact(base);
                check(disk, at, len, p);
                Arrays.fill(disk, at, at + len, (byte) 0);
                try (FileChannel ch = img.openChannel()) {
                    PackageImage.readFully(ch, ByteBuffer.wrap(disk, at, Math.toIntExact(p.fileBytes())),
                            p.fileSectorOffset() * ss);
                }
            }
        } else if (op instanceof FlatOp.Erase e) {
            long start = eval(e.startSector(), sectors, "start_sector");
            long num = e.numSectors() < 0 ? sectors - start : e.numSectors();
            int at = Math.toIntExact(start * ss);
            int len = Math.toIntExact(num * ss);
            check(disk, at, len, e);
            Arrays.fill(disk, at, at + len, (byte) 0);
        } else if (op instanceof FlatOp.Patch p && p.toDevice()) {
            long at = eval(p.startSector(), sectors, "start_sector") * ss + p.byteOffset();
            long value;
            Matcher m = CRC.matcher(p.value().text());
            if (m.matches()) {
                long from = eval(new SectorExpr(m.group(1).trim()), sectors, "CRC32 sector") * ss;
                long len = eval(new SectorExpr(m.group(2).trim()), sectors, "CRC32 length");
                check(disk, Math.toIntExact(from), Math.toIntExact(len), p);
                CRC32 crc = new CRC32();
                crc.update(disk, Math.toIntExact(from), Math.toIntExact(len));
                value = crc.getValue();
            } else {
                value = eval(p.value(), sectors, "value");
            }
            check(disk, Math.toIntExact(at), p.sizeInBytes(), p);
            for (int i = 0; i < p.sizeInBytes(); i++) {
                disk[Math.toIntExact(at + i)] = (byte) (value >>> (8 * i));
            }
        }
    }

    private static int[] fill(int value, int n) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }

    private static void check(byte[] disk, int at, int len, FlatOp op) {
        if (at < 0 || len < 0 || at > disk.length - len) {
            throw new IllegalArgumentException(op.source() + " writes outside LUN " + op.lun());
        }
    }
}
