package io.modemflash.qdl.hdlc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One image to send over Sierra QDL: the open-unframed fields plus a way to read the payload.
 *
 * @param name          for progress and messages
 * @param type          open-unframed image type (0x80 CWE, 0x05 amss, 0x06 apps, 0x0D uqcn)
 * @param header        bytes carried inside the open message (the 400-byte CWE header, or empty)
 * @param fileLength    the "length" field: the whole file
 * @param payloadLength bytes sent in write-unframed chunks (the open "chunk size" field)
 * @param payload       opens a stream positioned at the first payload byte
 */
public record QdlImage(String name, int type, byte[] header, long fileLength, long payloadLength, Source payload) {

    /** Opens the payload bytes (called once per transfer). */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    public static final int CWE_HEADER_LENGTH = 400;

    public QdlImage {
        if (payloadLength < 0 || fileLength < payloadLength || fileLength > 0xffffffffL) {
            throw new IllegalArgumentException("bad QDL image geometry for " + name);
        }
    }

    /** A Sierra .cwe/.nvu/.spk file: the 400-byte header goes in the open, the rest in chunks. */
    public static QdlImage cwe(Path file) throws IOException {
        long size = Files.size(file);
        if (size <= CWE_HEADER_LENGTH) {
            throw new IOException(file + " is too short for a CWE image (" + size + " bytes)");
        }
        byte[] header = new byte[CWE_HEADER_LENGTH];
        try (InputStream in = Files.newInputStream(file)) {
            in.readNBytes(header, 0, CWE_HEADER_LENGTH);
        }
        return new QdlImage(file.getFileName().toString(), QdlMessage.IMAGE_CWE, header, size,
                size - CWE_HEADER_LENGTH, () -> {
                    InputStream in = Files.newInputStream(file);
                    in.skipNBytes(CWE_HEADER_LENGTH);
                    return in;
                });
    }

    /** A headerless Gobi .mbn: {@code trailer} final bytes are never sent (8 for amss.mbn). */
    public static QdlImage mbn(Path file, int type, int trailer) throws IOException {
        long size = Files.size(file);
        return new QdlImage(file.getFileName().toString(), type, new byte[0], size, Math.max(0, size - trailer),
                () -> Files.newInputStream(file));
    }
}
