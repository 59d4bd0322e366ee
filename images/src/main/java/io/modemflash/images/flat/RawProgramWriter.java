package io.modemflash.images.flat;

import java.util.List;
import java.util.Locale;

/**
 * Writes a rawprogram XML (and an empty patch XML) that {@link RawProgramParser} and
 * Qualcomm's own tools read: one {@code <program>} per file, in the order given, each file
 * exactly its sectors (no patches needed: the files hold the storage's own bytes).
 */
public final class RawProgramWriter {
    private RawProgramWriter() {
    }

    /** One file to program: {@code sectors} sectors of {@code sectorSize} at {@code startSector} of {@code lun}. */
    public record Entry(String filename, String label, int lun, long startSector, long sectors, int sectorSize) {
    }

    public static String rawprogram(List<Entry> entries, String comment) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" ?>\n<data>\n");
        if (comment != null) {
            x.append("  <!-- ").append(comment.replace("--", "- -")).append(" -->\n");
        }
        for (Entry e : entries) {
            x.append(String.format(Locale.ROOT, "  <program SECTOR_SIZE_IN_BYTES=\"%d\" file_sector_offset=\"0\" "
                            + "filename=\"%s\" label=\"%s\" num_partition_sectors=\"%d\" physical_partition_number=\"%d\" "
                            + "size_in_KB=\"%.1f\" sparse=\"false\" start_byte_hex=\"0x%x\" start_sector=\"%d\"/>%n",
                    e.sectorSize(), escape(e.filename()), escape(e.label()), e.sectors(), e.lun(),
                    e.sectors() * e.sectorSize() / 1024.0, e.startSector() * e.sectorSize(), e.startSector()));
        }
        return x.append("</data>\n").toString();
    }

    public static String emptyPatches() {
        return "<?xml version=\"1.0\" ?>\n<patches>\n</patches>\n";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
