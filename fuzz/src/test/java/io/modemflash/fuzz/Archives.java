package io.modemflash.fuzz;

import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** One-file archives of every package format, in memory (fuzz seeds). */
final class Archives {
    private static final long FIXED_TIME = 1_700_000_000_000L;

    private Archives() {
    }

    static byte[] zip(String name, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(b)) {
            ZipArchiveEntry e = new ZipArchiveEntry(name);
            e.setTime(FIXED_TIME); // seeds must not change from one generation to the next
            z.putArchiveEntry(e);
            z.write(data);
            z.closeArchiveEntry();
        }
        return b.toByteArray();
    }

    static byte[] tar(String name, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(data.length);
            e.setModTime(FIXED_TIME);
            t.putArchiveEntry(e);
            t.write(data);
            t.closeArchiveEntry();
        }
        return b.toByteArray();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(data);
        }
        return b.toByteArray();
    }

    static byte[] xz(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (XZCompressorOutputStream x = new XZCompressorOutputStream(b)) {
            x.write(data);
        }
        return b.toByteArray();
    }

    static byte[] sevenZ(String name, byte[] data) throws IOException {
        Path t = Files.createTempFile("modemflash-seed-", ".7z");
        try {
            try (SevenZOutputFile out = new SevenZOutputFile(t.toFile())) {
                SevenZArchiveEntry e = new SevenZArchiveEntry();
                e.setName(name);
                out.putArchiveEntry(e);
                out.write(data);
                out.closeArchiveEntry();
            }
            return Files.readAllBytes(t);
        } finally {
            Files.delete(t);
        }
    }
}
