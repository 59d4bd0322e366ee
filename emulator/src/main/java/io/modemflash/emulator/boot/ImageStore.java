package io.modemflash.emulator.boot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Flash of a Sierra part as the tests see it: each image the modem accepted, stored as
 * received, one file per image in arrival order: {@code DIR/cwe/NNN-TYPE.cwe} (NNN from
 * 001, TYPE the top CWE header's type, e.g. SPKG, NVUP). An image is only renamed into place
 * once complete, so a partial download leaves no file (only {@code .partial}).
 */
public final class ImageStore {
    private static final Pattern NAME = Pattern.compile("\\d{3}-[A-Z0-9]{1,4}\\.cwe");
    private final Path dir;

    public ImageStore(Path storageDir) throws IOException {
        this.dir = storageDir.resolve("cwe");
        Files.createDirectories(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Stored images in arrival order. */
    public synchronized List<Path> images() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }

    /** Starts receiving an image; {@link Incoming#commit()} makes it visible. */
    public synchronized Incoming begin(String type) throws IOException {
        String t = type.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
        if (t.isEmpty()) {
            t = "IMG";
        }
        int next = images().size() + 1;
        Path target = dir.resolve(String.format("%03d-%s.cwe", next, t.length() > 4 ? t.substring(0, 4) : t));
        Path partial = dir.resolve(target.getFileName() + ".partial");
        return new Incoming(target, partial, Files.newOutputStream(partial));
    }

    /** An image being received. */
    public final class Incoming implements AutoCloseable {
        private final Path target;
        private final Path partial;
        private final OutputStream out;
        private long written;
        private boolean done;

        private Incoming(Path target, Path partial, OutputStream out) {
            this.target = target;
            this.partial = partial;
            this.out = out;
        }

        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            written += len;
        }

        public long written() {
            return written;
        }

        public Path commit() throws IOException {
            out.close();
            synchronized (ImageStore.this) {
                Files.move(partial, target);
            }
            done = true;
            return target;
        }

        /** Drops an unfinished image. */
        @Override
        public void close() throws IOException {
            if (!done) {
                out.close();
                Files.deleteIfExists(partial);
                done = true;
            }
        }
    }
}
