package io.modemflash.qdl.hdlc;

import io.modemflash.images.ImageReader;
import io.modemflash.images.PackageImage;

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

    /**
     * A CWE image of a package, read through its CRC check ({@link ImageReader}): a file that is
     * not what inspection accepted fails before its last chunk is sent.
     */
    public static QdlImage cwe(PackageImage image) throws IOException {
        long size = image.size();
        if (size <= CWE_HEADER_LENGTH) {
            throw new IOException(image.name() + " is too short for a CWE image (" + size + " bytes)");
        }
        ImageReader reader = ImageReader.open(image, size);
        byte[] header = new byte[CWE_HEADER_LENGTH];
        try {
            reader.stream(0, CWE_HEADER_LENGTH).readNBytes(header, 0, CWE_HEADER_LENGTH);
        } catch (IOException e) {
            reader.close();
            throw e;
        }
        return new QdlImage(image.fileName(), QdlMessage.IMAGE_CWE, header, size, size - CWE_HEADER_LENGTH,
                () -> closing(reader, reader.stream(CWE_HEADER_LENGTH, size - CWE_HEADER_LENGTH)));
    }

    /** A Gobi .mbn of a package, read through its CRC check; {@code trailer} final bytes are never sent. */
    public static QdlImage mbn(PackageImage image, int type, int trailer) throws IOException {
        long size = image.size();
        long payload = Math.max(0, size - trailer);
        ImageReader reader = ImageReader.open(image, payload);
        return new QdlImage(image.fileName(), type, new byte[0], size, payload,
                () -> closing(reader, reader.stream(0, payload)));
    }

    /** The stream, closing the reader with it. */
    private static InputStream closing(ImageReader reader, InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    /** A headerless Gobi .mbn: {@code trailer} final bytes are never sent (8 for amss.mbn). */
    public static QdlImage mbn(Path file, int type, int trailer) throws IOException {
        long size = Files.size(file);
        return new QdlImage(file.getFileName().toString(), type, new byte[0], size, Math.max(0, size - trailer),
                () -> Files.newInputStream(file));
    }
}
