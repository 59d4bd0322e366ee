package io.modemflash.emulator.boot;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Flash of an EDL part (eMMC or UFS): one sparse file per LUN, {@code lunN.img}, exactly
 * sectors x sector size long, so a test compares it byte for byte with the expected disk.
 * Existing files of the right size are kept (storage survives a restart of the emulator).
 */
public final class BlockStorage implements Closeable {
    private final Path dir;
    private final Geometry geometry;
    private final List<FileChannel> luns = new ArrayList<>();
    private long writes;
    private Integer bootableLun;

    /** memoryName as configure names it ("ufs", "emmc", "nand"); sectorsPerLun one entry per LUN. */
    public record Geometry(String memoryName, int sectorSize, List<Long> sectorsPerLun) {
        public Geometry {
            sectorsPerLun = List.copyOf(sectorsPerLun);
            if (sectorSize <= 0 || sectorsPerLun.isEmpty()) {
                throw new IllegalArgumentException("bad storage geometry");
            }
        }

        public int lunCount() {
            return sectorsPerLun.size();
        }
    }

    public BlockStorage(Path dir, Geometry geometry) throws IOException {
        this.dir = dir;
        this.geometry = geometry;
        Files.createDirectories(dir);
        try {
            for (int i = 0; i < geometry.lunCount(); i++) {
                Path p = lunFile(i);
                long size = geometry.sectorsPerLun().get(i) * geometry.sectorSize();
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    if (f.length() != size) {
                        f.setLength(0);
                        f.setLength(size); // sparse: holes read as zeros
                    }
                }
                luns.add(FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    public Geometry geometry() {
        return geometry;
    }

    public Path dir() {
        return dir;
    }

    /** DIR/lunN.img. */
    public Path lunFile(int lun) {
        return dir.resolve("lun" + lun + ".img");
    }

    public int sectorSize() {
        return geometry.sectorSize();
    }

    public int lunCount() {
        return geometry.lunCount();
    }

    public long sectors(int lun) {
        return geometry.sectorsPerLun().get(lun);
    }

    public boolean hasLun(int lun) {
        return lun >= 0 && lun < lunCount();
    }

    public synchronized void write(int lun, long byteOffset, byte[] data, int off, int len) throws IOException {
        check(lun, byteOffset, len);
        ByteBuffer b = ByteBuffer.wrap(data, off, len);
        FileChannel ch = luns.get(lun);
        while (b.hasRemaining()) {
            ch.write(b, byteOffset + b.position() - off);
        }
        writes++;
    }

    public synchronized void read(int lun, long byteOffset, byte[] dst, int off, int len) throws IOException {
        check(lun, byteOffset, len);
        ByteBuffer b = ByteBuffer.wrap(dst, off, len);
        FileChannel ch = luns.get(lun);
        while (b.hasRemaining()) {
            if (ch.read(b, byteOffset + b.position() - off) < 0) {
                throw new IOException("short read of " + lunFile(lun));
            }
        }
    }

    /** How many writes (programs, erases, patches) storage has seen since it was opened. */
    public synchronized long writes() {
        return writes;
    }

    /**
     * The LUN the last {@code <setbootablestoragedrive>} chose, if any. Kept here, not in a
     * Firehose session: on UFS it is a device attribute that outlives the programmer.
     */
    public synchronized OptionalInt bootableLun() {
        return bootableLun == null ? OptionalInt.empty() : OptionalInt.of(bootableLun);
    }

    synchronized void setBootableLun(int lun) throws IOException {
        if (!hasLun(lun)) {
            throw new IOException("no LUN " + lun);
        }
        bootableLun = lun;
    }

    /** Writes zeros (an erase of eMMC/UFS reads back as zeros). */
    public void zero(int lun, long byteOffset, long len) throws IOException {
        byte[] z = new byte[(int) Math.min(len, 1 << 20)];
        for (long done = 0; done < len; ) {
            int n = (int) Math.min(z.length, len - done);
            write(lun, byteOffset + done, z, 0, n);
            done += n;
        }
    }

    private void check(int lun, long byteOffset, long len) throws IOException {
        if (!hasLun(lun)) {
            throw new IOException("no LUN " + lun);
        }
        long size = sectors(lun) * sectorSize();
        if (byteOffset < 0 || len < 0 || byteOffset > size - len) {
            throw new IOException("bytes " + byteOffset + ".." + (byteOffset + len) + " are outside LUN " + lun
                    + " (" + size + " bytes)");
        }
    }

    @Override
    public synchronized void close() throws IOException {
        for (FileChannel c : luns) {
            c.close();
        }
        luns.clear();
    }
}
