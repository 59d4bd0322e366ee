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
         * Sectors a host sends for a raw image: the file's bytes rounded up to whole sectors
         * (the last one zero-padded). The rest of the partition is left as it is, as
         * linux-msm qdl does.
         */
        public long sectorsToWrite() {
            return (fileBytes() + sectorSize - 1) / sectorSize;
        }
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
