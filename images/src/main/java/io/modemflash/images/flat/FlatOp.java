package io.modemflash.images.flat;

import io.modemflash.images.PackageImage;

import java.util.Map;

/**
 * One operation of a Qualcomm flat build, in the order the programmer must receive it:
 * programs and erases in file order, then patches. Every attribute of the XML element is
 * kept in {@code attributes} (original spelling) so nothing is lost on the way to the device.
 */
public sealed interface FlatOp permits FlatOp.Program, FlatOp.Erase, FlatOp.Patch {

    int lun();

    int sectorSize();

    SectorExpr startSector();

    /** The XML file and element index this came from, e.g. "rawprogram0.xml#3". */
    String source();

    Map<String, String> attributes();

    /**
     * {@code <program>}: write {@code numSectors} sectors from {@code image} (starting at
     * {@code fileSectorOffset} sectors into the file) at {@code startSector}. When
     * {@code sparse} is set, the file is an Android sparse image and the writes are its
     * RAW and FILL runs. The last sector is zero-padded.
     */
    record Program(int lun, int sectorSize, SectorExpr startSector, long numSectors, long fileSectorOffset,
                   String filename, PackageImage image, boolean sparse, String label, String source,
                   Map<String, String> attributes) implements FlatOp {
        public Program {
            attributes = Map.copyOf(attributes);
        }

        /**
         * Bytes taken from the file (raw images): from {@code fileSectorOffset} to the end of
         * the file, at most the partition. Sparse images: see {@link #image()}'s chunks.
         */
        public long fileBytes() {
            long available = Math.max(0, image.size() - fileSectorOffset * sectorSize);
            return Math.min(available, numSectors * sectorSize);
        }

        /**
         * The writes of a sparse program as sector ranges of the LUN: one per RAW or FILL
         * chunk (DONT_CARE writes nothing, CRC32 is a check), in file order. Each becomes one
         * {@code <program>} of {@code run.sectors()} sectors at {@code run.startSector()}.
         * The start sector must be a number (sparse images are never placed relative to the disk end).
         */
        public void forEachSparseRun(java.util.function.Consumer<SparseRun> visitor) throws java.io.IOException {
            io.modemflash.images.sparse.SparseImage s = image.sparse();
            if (!sparse || s == null) {
                throw new IllegalStateException(image.name() + " is not programmed as a sparse image");
            }
            long base = startSector.constant().orElseThrow(() -> new IllegalStateException(
                    "sparse image at a computed start sector " + startSector.text()));
            if (s.blockSize() % sectorSize != 0) {
                throw new io.modemflash.images.BadPackageException(
                        io.modemflash.images.BadPackageException.Reason.UNSUPPORTED, source, "sparse block size "
                        + s.blockSize() + " is not a multiple of the sector size " + sectorSize);
            }
            long perBlock = s.blockSize() / sectorSize;
            try (java.nio.channels.FileChannel ch = image.openChannel()) {
                io.modemflash.images.sparse.SparseImage.forEach(ch, s, image.name(), c -> {
                    if (c.writes()) {
                        visitor.accept(new SparseRun(base + c.startBlock() * perBlock, c.blocks() * perBlock, c));
                    }
                });
            }
        }

        /**
         * Sectors a host sends for a raw image: the file's bytes rounded up to whole sectors
         * (the last one zero-padded). The rest of the partition is left as it is, as
         * linux-msm qdl does.
         */
        public long sectorsToWrite() {
            return (fileBytes() + sectorSize - 1) / sectorSize;
        }
    }

    /**
     * One write of a sparse image: {@code sectors} sectors at {@code startSector} of the LUN,
     * from {@code chunk} (RAW: file bytes at {@code chunk.dataOffset()}; FILL: {@code chunk.value()}
     * repeated, little-endian).
     */
    record SparseRun(long startSector, long sectors, io.modemflash.images.sparse.SparseImage.Chunk chunk) {
    }

    /** {@code <erase>}: numSectors < 0 means the whole LUN (start/num omitted). */
    record Erase(int lun, int sectorSize, SectorExpr startSector, long numSectors, String label, String source,
                 Map<String, String> attributes) implements FlatOp {
        public Erase {
            attributes = Map.copyOf(attributes);
        }
    }

    /**
     * {@code <patch>}: write {@code value} (an expression the device evaluates) as
     * {@code sizeInBytes} little-endian bytes at {@code byteOffset} of sector {@code startSector}.
     * Only {@code filename="DISK"} patches go to the device ({@link #toDevice()}).
     */
    record Patch(int lun, int sectorSize, SectorExpr startSector, long byteOffset, int sizeInBytes,
                 SectorExpr value, String filename, String what, String source,
                 Map<String, String> attributes) implements FlatOp {
        public Patch {
            attributes = Map.copyOf(attributes);
        }

        public boolean toDevice() {
            return "DISK".equalsIgnoreCase(filename);
        }
    }
}
