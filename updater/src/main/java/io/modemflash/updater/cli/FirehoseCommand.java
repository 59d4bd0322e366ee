package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Output;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modemflash.qdl.download.DownloadEvent;
import io.modemflash.qdl.firehose.FirehoseSession;
import io.modemflash.qdl.link.Link;
import io.modemflash.updater.progress.DownloadProgress;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * `modemflash firehose ...`: single Firehose operations for technicians, on a programmer
 * uploaded with --programmer, switched to with --sierra, or already running.
 */
@Command(name = "firehose",
        mixinStandardHelpOptions = true,
        description = {"Single Firehose operations for technicians: program, read, erase, patch, sha256, gpt, reset.",
                "EDL devices need --programmer FILE the first time; later calls find it running."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 done, 2 usage, 3 device not found, 4 device busy, 6 the device refused,",
                "  7 timeout, 9 wrong mode for this command, 10 device disconnected."},
        subcommands = {FirehoseCommand.Program.class, FirehoseCommand.Read.class, FirehoseCommand.Erase.class,
                FirehoseCommand.Patch.class, FirehoseCommand.Sha256.class, FirehoseCommand.Gpt.class,
                FirehoseCommand.Reset.class})
public final class FirehoseCommand implements Runnable {

    @Override
    public void run() {
        Main.needsSubcommand(this);
    }

    /** Options and plumbing every operation shares. */
    abstract static class Op implements Callable<Integer> {
        @Mixin
        OutputOptions options;

        @Mixin
        DownloadDeviceOptions device;

        @Mixin
        FirehoseConnectOptions connect;

        @Option(names = "--lun", paramLabel = "N", defaultValue = "0",
                description = "Physical partition (LUN) number (default: ${DEFAULT-VALUE}).")
        int lun;

        @Option(names = "--sector-size", paramLabel = "BYTES", defaultValue = "4096",
                description = "Sector size in bytes (default: ${DEFAULT-VALUE}; 512 on eMMC).")
        int sectorSize;

        Output out;

        @Override
        public Integer call() throws IOException {
            out = options.output();
            try (Link link = device.open(out, "firehose " + getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT))) {
                FirehoseSession fh = connect.connect(link, out);
                ObjectNode result = SaharaCommand.ok();
                run(fh, result);
                out.emit(result);
                return ExitCode.OK.code;
            }
        }

        abstract void run(FirehoseSession fh, ObjectNode result) throws IOException;

        /** Streams one transfer's progress through the shared renderer. */
        io.modemflash.qdl.Progress progress(DownloadProgress p, String name, String target, long bytes) {
            p.on(new DownloadEvent.ImageStarted(name, target, bytes));
            return (n, done, total) -> p.on(new DownloadEvent.ImageProgress(name, done, total));
        }
    }

    @Command(name = "program", mixinStandardHelpOptions = true,
            description = "Write FILE at --start of --lun (an Android sparse image is written as its RAW/FILL runs).")
    static final class Program extends Op {
        @Parameters(index = "0", paramLabel = "FILE", description = "Raw or Android sparse image.")
        Path file;

        @Option(names = "--start", paramLabel = "SECTOR", required = true,
                description = "Start sector; may be an expression the programmer evaluates, e.g. NUM_DISK_SECTORS-5.")
        String start;

        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            DownloadProgress p = DownloadProgress.forCli(out);
            long t0 = System.nanoTime();
            String name = file.getFileName().toString();
            long size = Files.size(file);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                var pr = progress(p, name, "LUN " + lun + " sector " + start, size);
                if (isSparse(ch)) {
                    fh.programSparse(ch, name, sectorSize, lun, Long.parseLong(start.strip()), pr);
                } else {
                    fh.programFile(ch, name, sectorSize, lun, start, pr);
                }
            } catch (NumberFormatException e) {
                throw new Failure(ExitCode.USAGE, "a sparse image needs a plain number as --start, not " + start);
            }
            p.on(new DownloadEvent.ImageDone(name, null, size, Duration.ofNanos(System.nanoTime() - t0)));
            out.text("programmed " + name + " at LUN " + lun + " sector " + start);
            result.put("file", file.toString());
        }

        private static boolean isSparse(FileChannel ch) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 0);
            return b.position() == 4 && b.getInt(0) == 0xED26FF3A;
        }
    }

    @Command(name = "read", mixinStandardHelpOptions = true, description = "Read sectors of --lun into FILE.")
    static final class Read extends Op {
        @Parameters(index = "0", paramLabel = "FILE", description = "Output file (overwritten).")
        Path file;

        @Option(names = "--start", paramLabel = "SECTOR", required = true, description = "First sector.")
        String start;

        @Option(names = "--sectors", paramLabel = "N", required = true, description = "Number of sectors.")
        long sectors;

        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            DownloadProgress p = DownloadProgress.forCli(out);
            var region = new FirehoseSession.Region(sectorSize, sectors, lun, start);
            long t0 = System.nanoTime();
            String name = file.getFileName().toString();
            try (OutputStream o = Files.newOutputStream(file)) {
                fh.read(region, o, progress(p, name, "LUN " + lun + " sector " + start, region.bytes()));
            }
            p.on(new DownloadEvent.ImageDone(name, null, region.bytes(), Duration.ofNanos(System.nanoTime() - t0)));
            out.text("read " + region.bytes() + " bytes into " + file);
            result.put("file", file.toString());
            result.put("bytes", region.bytes());
        }
    }

    @Command(name = "erase", mixinStandardHelpOptions = true,
            description = "Erase sectors of --lun (the whole LUN without --start/--sectors).")
    static final class Erase extends Op {
        @Option(names = "--start", paramLabel = "SECTOR", description = "First sector.")
        String start;

        @Option(names = "--sectors", paramLabel = "N", description = "Number of sectors.")
        Long sectors;

        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            if ((start == null) != (sectors == null)) {
                throw new Failure(ExitCode.USAGE, "give both --start and --sectors, or neither (whole LUN)");
            }
            fh.erase(sectorSize, lun, start, sectors);
            out.text("erased " + (start == null ? "LUN " + lun : sectors + " sectors at " + start + " of LUN " + lun));
        }
    }

    @Command(name = "patch", mixinStandardHelpOptions = true,
            description = "Write VALUE (an expression the programmer evaluates, e.g. NUM_DISK_SECTORS-1.) into a sector.")
    static final class Patch extends Op {
        @Option(names = "--start", paramLabel = "SECTOR", required = true, description = "Sector to patch.")
        String start;

        @Option(names = "--byte-offset", paramLabel = "N", required = true, description = "Byte offset in the sector.")
        long byteOffset;

        @Option(names = "--size", paramLabel = "BYTES", required = true, description = "Bytes to write (little-endian).")
        int size;

        @Option(names = "--value", paramLabel = "VALUE", required = true, description = "Value or expression.")
        String value;

        @Option(names = "--what", paramLabel = "TEXT", defaultValue = "modemflash patch", description = "Description.")
        String what;

        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            fh.patch(new FirehoseSession.Patch(sectorSize, Long.toString(byteOffset), lun, Integer.toString(size),
                    start, value, what));
            out.text("patched LUN " + lun + " sector " + start + " byte " + byteOffset + " = " + value);
        }
    }

    @Command(name = "sha256", mixinStandardHelpOptions = true,
            description = "SHA-256 of sectors as the programmer computes it (getsha256digest).")
    static final class Sha256 extends Op {
        @Option(names = "--start", paramLabel = "SECTOR", required = true, description = "First sector.")
        String start;

        @Option(names = "--sectors", paramLabel = "N", required = true, description = "Number of sectors.")
        long sectors;

        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            String digest = fh.sha256(new FirehoseSession.Region(sectorSize, sectors, lun, start));
            out.text(digest);
            result.put("sha256", digest);
        }
    }

    @Command(name = "gpt", mixinStandardHelpOptions = true, description = "Read and print the GPT of --lun.")
    static final class Gpt extends Op {
        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            // MBR + header + 128 entries of 128 bytes
            long sectors = 2 + (128 * 128 + sectorSize - 1) / sectorSize;
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            fh.read(new FirehoseSession.Region(sectorSize, sectors, lun, "0"), b, io.modemflash.qdl.Progress.NONE);
            List<GptEntry> entries = parseGpt(b.toByteArray(), sectorSize);
            ArrayNode parts = result.putArray("partitions");
            out.text(String.format(Locale.ROOT, "%-4s %-24s %12s %12s %12s", "#", "name", "first", "last", "sectors"));
            int i = 0;
            for (GptEntry e : entries) {
                i++;
                out.text(String.format(Locale.ROOT, "%-4d %-24s %12d %12d %12d", i, e.name(), e.first(), e.last(),
                        e.last() - e.first() + 1));
                ObjectNode o = parts.addObject();
                o.put("name", e.name());
                o.put("first_lba", e.first());
                o.put("last_lba", e.last());
            }
        }
    }

    /** One used GPT partition entry. */
    record GptEntry(String name, long first, long last) {
    }

    /** Parses a primary GPT read from LBA 0 (protective MBR, header at LBA 1, the entries it names). */
    static List<GptEntry> parseGpt(byte[] disk, int sectorSize) throws io.modemflash.qdl.ProtocolException {
        ByteBuffer h = ByteBuffer.wrap(disk).order(ByteOrder.LITTLE_ENDIAN);
        if (disk.length < 2 * sectorSize
                || !new String(disk, sectorSize, 8, StandardCharsets.US_ASCII).equals("EFI PART")) {
            throw new io.modemflash.qdl.ProtocolException("no GPT header (EFI PART) at sector 1");
        }
        long entriesLba = h.getLong(sectorSize + 72);
        int count = h.getInt(sectorSize + 80);
        int size = h.getInt(sectorSize + 84);
        if (size < 128 || count < 0) {
            throw new io.modemflash.qdl.ProtocolException("GPT header with entry size " + size);
        }
        List<GptEntry> out = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            long off = entriesLba * sectorSize + (long) i * size;
            if (off + size > disk.length) {
                break;
            }
            int o = (int) off;
            boolean used = false;
            for (int k = 0; k < 16; k++) {
                used |= disk[o + k] != 0;
            }
            if (!used) {
                continue;
            }
            String name = new String(disk, o + 56, 72, StandardCharsets.UTF_16LE);
            int nul = name.indexOf('\0');
            out.add(new GptEntry(nul < 0 ? name : name.substring(0, nul), h.getLong(o + 32), h.getLong(o + 40)));
        }
        return out;
    }

    @Command(name = "reset", mixinStandardHelpOptions = true, description = "Leave download mode (power reset, off or edl).")
    static final class Reset extends Op {
        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "reset",
                description = "reset, off or edl (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = "--delay", paramLabel = "SECONDS", defaultValue = "0", description = "DelayInSeconds.")
        int delay;

        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            if (!List.of("reset", "off", "edl").contains(mode)) {
                throw new Failure(ExitCode.USAGE, "--mode must be reset, off or edl");
            }
            fh.power(mode, delay);
            out.text("power " + mode + " sent");
        }
    }
}
