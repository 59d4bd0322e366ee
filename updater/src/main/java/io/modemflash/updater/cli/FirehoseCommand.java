package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.Output;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modemflash.qdl.download.DownloadEvent;
import io.modemflash.images.Protocol;
import io.modemflash.images.flat.RawProgramWriter;
import io.modemflash.qdl.gpt.GptTable;
import io.modemflash.images.sparse.SparseImage;
import io.modemflash.qdl.firehose.FirehoseSession;
import io.modemflash.qdl.firehose.StorageInfo;
import io.modemflash.qdl.firehose.StorageLayout;
import io.modemflash.qdl.firehose.WriteVerifier;
import io.modemflash.updater.pipeline.Digests;
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
        description = {"Single Firehose operations for technicians, partitions by their GPT names.",
                "program, read, write, erase, patch, sha256, gpt, storage-info, backup, peek, reset.",
                "EDL devices need --programmer FILE the first time; later calls find it running."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 done, 2 usage (also: no partition of that name), 3 device not found, 4 device busy,",
                "  6 the device refused (or does not support the command), 7 timeout, 8 what was written is not",
                "  what the device holds, 9 wrong mode for this command, or the file does not fit the partition,",
                "  10 device disconnected."},
        subcommands = {FirehoseCommand.Program.class, FirehoseCommand.Read.class, FirehoseCommand.Write.class,
                FirehoseCommand.Erase.class, FirehoseCommand.Patch.class, FirehoseCommand.Sha256.class,
                FirehoseCommand.Gpt.class, FirehoseCommand.StorageInfoCommand.class, FirehoseCommand.Backup.class,
                FirehoseCommand.Peek.class, FirehoseCommand.Reset.class})
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

        @Option(names = "--lun", paramLabel = "N",
                description = "Physical partition (LUN) number (default: 0; partitions by name: every LUN).")
        Integer lunOption;

        @Option(names = "--sector-size", paramLabel = "BYTES", defaultValue = "4096",
                description = "Sector size in bytes (default: ${DEFAULT-VALUE}; 512 on eMMC).")
        int sectorSize;

        Output out;

        @Override
        public Integer call() throws IOException {
            out = options.output();
            try (Link link = device.open(out, "firehose " + getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT), Protocol.QUALCOMM_EDL)) {
                FirehoseSession fh = connect.connect(link, out);
                ObjectNode result = SaharaCommand.ok();
                run(fh, result);
                out.emit(result);
                return ExitCode.OK.code;
            }
        }

        abstract void run(FirehoseSession fh, ObjectNode result) throws IOException;

        int lun() {
            return lunOption == null ? 0 : lunOption;
        }

        /** The layout of --lun, or of every LUN the programmer reports. */
        List<StorageLayout.Lun> layouts(FirehoseSession fh) throws IOException {
            List<Integer> luns = lunOption != null ? List.of(lunOption) : StorageLayout.luns(fh);
            List<StorageLayout.Lun> out = new java.util.ArrayList<>();
            for (int l : luns) {
                out.add(StorageLayout.read(fh, l, sectorSize));
            }
            return out;
        }

        /** The partition NAME on --lun or any LUN. */
        StorageLayout.Region partition(FirehoseSession fh, String name) throws IOException {
            return StorageLayout.find(layouts(fh), name);
        }

        /** Reads a region into a file with progress; returns the bytes read. */
        long readInto(FirehoseSession fh, StorageLayout.Region r, Path file) throws IOException {
            DownloadProgress p = DownloadProgress.forCli(out);
            var region = new FirehoseSession.Region(sectorSize, r.sectors(), r.lun(), Long.toString(r.first()));
            long t0 = System.nanoTime();
            String name = file.getFileName().toString();
            try (OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                fh.read(region, o, progress(p, name, where(r), region.bytes()));
            }
            p.on(new DownloadEvent.ImageDone(name, where(r), region.bytes(), Duration.ofNanos(System.nanoTime() - t0)));
            return region.bytes();
        }

        /** The partition a command worked on, in its result event. */
        static void putRegion(ObjectNode result, StorageLayout.Region r) {
            result.put("partition", r.name());
            result.put("lun", r.lun());
            result.put("start_sector", r.first());
            result.put("sectors", r.sectors());
        }

        static String where(StorageLayout.Region r) {
            return r.name() + " (LUN " + r.lun() + ", " + r.sectors() + " sectors at " + r.first() + ")";
        }

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
                var pr = progress(p, name, "LUN " + lun() + " sector " + start, size);
                if (isSparse(ch)) {
                    fh.programSparse(ch, name, sectorSize, lun(), Long.parseLong(start.strip()), pr);
                } else {
                    fh.programFile(ch, name, sectorSize, lun(), start, pr);
                }
            } catch (NumberFormatException e) {
                throw new Failure(ExitCode.USAGE, "a sparse image needs a plain number as --start, not " + start);
            }
            p.on(new DownloadEvent.ImageDone(name, null, size, Duration.ofNanos(System.nanoTime() - t0)));
            out.text("programmed " + name + " at LUN " + lun() + " sector " + start);
            result.put("file", file.toString());
        }

        private static boolean isSparse(FileChannel ch) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 0);
            return b.position() == 4 && b.getInt(0) == 0xED26FF3A;
        }
    }

    @Command(name = "read", mixinStandardHelpOptions = true,
            description = {"Read a partition by its GPT name, sectors of --lun, or every partition.",
                    "read NAME FILE; read FILE --start S --sectors N; read --all DIR (the same as backup DIR)."})
    static final class Read extends Op {
        @Parameters(paramLabel = "NAME FILE", arity = "1..2", description = "Partition name and output file, or only "
                + "the output file with --start/--sectors, or the directory with --all.")
        List<String> args;

        @Option(names = "--start", paramLabel = "SECTOR", description = "First sector.")
        String start;

        @Option(names = "--sectors", paramLabel = "N", description = "Number of sectors.")
        Long sectors;

        @Option(names = "--all", description = "Every partition of every LUN, plus rawprogram0.xml and patch0.xml that "
                + "download DIR restores.")
        boolean all;

        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            if (all) {
                if (args.size() != 1 || start != null || sectors != null) {
                    throw new Failure(ExitCode.USAGE, "read --all takes one directory and no --start/--sectors");
                }
                Backup.backup(this, fh, Path.of(args.get(0)), result);
                return;
            }
            if ((start == null) != (sectors == null)) {
                throw new Failure(ExitCode.USAGE, "give both --start and --sectors, or a partition name");
            }
            StorageLayout.Region r;
            Path file;
            if (start != null) {
                if (args.size() != 1) {
                    throw new Failure(ExitCode.USAGE, "with --start/--sectors give only the output FILE");
                }
                file = Path.of(args.get(0));
                var region = new FirehoseSession.Region(sectorSize, sectors, lun(), start);
                DownloadProgress p = DownloadProgress.forCli(out);
                long t0 = System.nanoTime();
                String name = file.getFileName().toString();
                try (OutputStream o = Files.newOutputStream(file)) {
                    fh.read(region, o, progress(p, name, "LUN " + lun() + " sector " + start, region.bytes()));
                }
                p.on(new DownloadEvent.ImageDone(name, null, region.bytes(), Duration.ofNanos(System.nanoTime() - t0)));
                out.text("read " + region.bytes() + " bytes into " + file);
                result.put("file", file.toString());
                result.put("bytes", region.bytes());
                return;
            }
            if (args.size() != 2) {
                throw new Failure(ExitCode.USAGE, "give a partition NAME and a FILE (or --start/--sectors, or --all DIR)");
            }
            r = partition(fh, args.get(0));
            file = Path.of(args.get(1));
            long bytes = readInto(fh, r, file);
            out.text("read " + where(r) + ", " + bytes + " bytes, into " + file);
            putRegion(result, r);
            result.put("file", file.toString());
            result.put("bytes", bytes);
        }
    }

    @Command(name = "write", mixinStandardHelpOptions = true,
            description = {"Write FILE into the partition NAME of the GPT; one larger than the partition is refused.",
                    "FILE is raw or Android sparse, written at the partition's first sector; the refusal comes",
                    "before anything is sent. A raw file is then proven by the programmer's SHA-256 of its sectors."})
    static final class Write extends Op {
        @Parameters(index = "0", paramLabel = "NAME", description = "Partition name (as the GPT names it).")
        String name;

        @Parameters(index = "1", paramLabel = "FILE", description = "Raw or Android sparse image.")
        Path file;

        @Option(names = "--no-digest-verify", description = "Do not compare the device's SHA-256 afterwards.")
        boolean noDigestVerify;

        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new Failure(ExitCode.USAGE, file + ": no such file");
            }
            StorageLayout.Region r = partition(fh, name);
            DownloadProgress p = DownloadProgress.forCli(out);
            long t0 = System.nanoTime();
            String fname = file.getFileName().toString();
            long size;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                boolean sparse = Program.isSparse(ch);
                size = sparse ? SparseImage.parse(ch, fname).expandedSize() : ch.size();
                if (size > r.bytes(sectorSize)) {
                    throw new Failure(ExitCode.WRONG_DEVICE, fname + (sparse ? " expands to " : " has ") + size
                            + " bytes, more than " + where(r) + " holds (" + r.bytes(sectorSize) + " bytes): nothing written");
                }
                var pr = progress(p, fname, where(r), size);
                if (sparse) {
                    fh.programSparse(ch, fname, sectorSize, r.lun(), r.first(), pr);
                } else {
                    fh.programFile(ch, fname, sectorSize, r.lun(), Long.toString(r.first()), pr);
                    if (!noDigestVerify) {
                        var region = new FirehoseSession.Region(sectorSize, (size + sectorSize - 1) / sectorSize, r.lun(),
                                Long.toString(r.first()));
                        var check = new WriteVerifier(fh).verifyFile(fname + " -> " + r.name(), file, region);
                        result.set("digests", Digests.json(List.of(check)));
                    }
                }
            }
            p.on(new DownloadEvent.ImageDone(fname, r.name(), size, Duration.ofNanos(System.nanoTime() - t0)));
            out.text("wrote " + fname + " (" + size + " bytes) into " + where(r));
            putRegion(result, r);
            result.put("file", file.toString());
            result.put("bytes", size);
        }
    }

    @Command(name = "erase", mixinStandardHelpOptions = true,
            description = "Erase the partition NAME of the GPT, sectors of --lun (--start/--sectors), or the whole --lun.")
    static final class Erase extends Op {
        @Parameters(arity = "0..1", paramLabel = "NAME", description = "Partition name (as the GPT names it).")
        String name;

        @Option(names = "--start", paramLabel = "SECTOR", description = "First sector.")
        String start;

        @Option(names = "--sectors", paramLabel = "N", description = "Number of sectors.")
        Long sectors;

        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            if ((start == null) != (sectors == null)) {
                throw new Failure(ExitCode.USAGE, "give both --start and --sectors, or neither (whole LUN)");
            }
            if (name != null) {
                if (start != null) {
                    throw new Failure(ExitCode.USAGE, "give a partition NAME or --start/--sectors, not both");
                }
                StorageLayout.Region r = partition(fh, name);
                fh.erase(sectorSize, r.lun(), Long.toString(r.first()), r.sectors());
                out.text("erased " + where(r));
                putRegion(result, r);
                return;
            }
            fh.erase(sectorSize, lun(), start, sectors);
            out.text("erased " + (start == null ? "LUN " + lun() : sectors + " sectors at " + start + " of LUN " + lun()));
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
            fh.patch(new FirehoseSession.Patch(sectorSize, Long.toString(byteOffset), lun(), Integer.toString(size),
                    start, value, what));
            out.text("patched LUN " + lun() + " sector " + start + " byte " + byteOffset + " = " + value);
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
            String digest = fh.sha256(new FirehoseSession.Region(sectorSize, sectors, lun(), start));
            out.text(digest);
            result.put("sha256", digest);
        }
    }

    @Command(name = "gpt", mixinStandardHelpOptions = true,
            description = "Read and print the GPT of --lun (default 0), or of every LUN with --all-luns.")
    static final class Gpt extends Op {
        @Option(names = "--all-luns", description = "Every LUN the programmer reports (getstorageinfo num_physical).")
        boolean allLuns;

        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            List<StorageLayout.Lun> luns = allLuns ? layouts(fh) : List.of(StorageLayout.read(fh, lun(), sectorSize));
            ArrayNode parts = result.putArray("partitions");
            out.text(String.format(Locale.ROOT, "%-4s %-4s %-24s %12s %12s %12s", "lun", "#", "name", "first", "last",
                    "sectors"));
            for (StorageLayout.Lun l : luns) {
                if (l.gpt().isEmpty()) {
                    if (!allLuns) {
                        throw new io.modemflash.qdl.ProtocolException("no GPT header (EFI PART) at sector 1 of LUN "
                                + l.lun());
                    }
                    out.text(String.format(Locale.ROOT, "%-4d no GPT (%d sectors)", l.lun(), l.totalSectors()));
                    continue;
                }
                for (GptTable.Partition e : l.partitions()) {
                    out.text(String.format(Locale.ROOT, "%-4d %-4d %-24s %12d %12d %12d", l.lun(), e.index(), e.name(),
                            e.firstLba(), e.lastLba(), e.sectors()));
                    ObjectNode o = parts.addObject();
                    o.put("lun", l.lun());
                    o.put("index", e.index());
                    o.put("name", e.name());
                    o.put("first_lba", e.firstLba());
                    o.put("last_lba", e.lastLba());
                    o.put("sectors", e.sectors());
                }
            }
        }
    }

    @Command(name = "storage-info", mixinStandardHelpOptions = true,
            description = "What the programmer says of the storage of --lun (getstorageinfo): size, sector size, LUNs, type.")
    static final class StorageInfoCommand extends Op {
        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            StorageInfo info = fh.getStorageInfo(lun());
            ObjectNode o = result.putObject("storage_info");
            result.put("lun", lun());
            for (var e : new java.util.TreeMap<>(info.values()).entrySet()) {
                out.text(e.getKey() + "=" + e.getValue());
                Long n = info.number(e.getKey());
                if (n != null) {
                    o.put(e.getKey(), n);
                } else {
                    o.put(e.getKey(), e.getValue());
                }
            }
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = {"Read every LUN into DIR, so that `download DIR` restores it byte for byte.",
                    "Each GPT partition as NAME.bin, the primary and backup GPT, the",
                    "unallocated runs between them (or a LUN without a GPT whole), plus rawprogram0.xml and an empty",
                    "patch0.xml, so that `download DIR` writes it all back byte for byte (partitions first, the boot",
                    "chain after them, the GPTs last). --programmer FILE is copied into DIR too."})
    static final class Backup extends Op {
        @Parameters(index = "0", paramLabel = "DIR", description = "Output directory (created; files overwritten).")
        Path dir;

        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            backup(this, fh, dir, result);
        }

        static void backup(Op op, FirehoseSession fh, Path dir, ObjectNode result) throws IOException {
            Files.createDirectories(dir);
            List<StorageLayout.Lun> luns = op.layouts(fh);
            java.util.Set<String> used = new java.util.HashSet<>();
            List<RawProgramWriter.Entry> first = new java.util.ArrayList<>();
            List<RawProgramWriter.Entry> bootChain = new java.util.ArrayList<>();
            List<RawProgramWriter.Entry> gpts = new java.util.ArrayList<>();
            ArrayNode files = result.putArray("files");
            long total = 0;
            for (StorageLayout.Lun l : luns) {
                List<RawProgramWriter.Entry> primary = new java.util.ArrayList<>();
                for (StorageLayout.Region r : l.regions()) {
                    if (r.sectors() == 0) {
                        continue;
                    }
                    String file = StorageLayout.fileName(r);
                    if (!used.add(file)) {
                        file = "lun" + r.lun() + "_" + file;
                        used.add(file);
                    }
                    total += op.readInto(fh, r, dir.resolve(file));
                    String label = r.kind() == StorageLayout.Kind.PARTITION ? r.name()
                            : r.kind() == StorageLayout.Kind.PRIMARY_GPT ? "PrimaryGPT"
                            : r.kind() == StorageLayout.Kind.BACKUP_GPT ? "BackupGPT" : "";
                    var e = new RawProgramWriter.Entry(file, label, r.lun(), r.first(), r.sectors(), op.sectorSize);
                    switch (r.kind()) {
                        case PRIMARY_GPT -> primary.add(e);
                        case BACKUP_GPT -> gpts.add(e);
                        default -> (bootChain(r.name()) ? bootChain : first).add(e);
                    }
                    ObjectNode f = files.addObject();
                    f.put("file", file);
                    f.put("kind", r.kind().name().toLowerCase(Locale.ROOT));
                    f.put("name", r.name());
                    f.put("lun", r.lun());
                    f.put("start_sector", r.first());
                    f.put("sectors", r.sectors());
                }
                gpts.addAll(primary); // the primary GPT of each LUN goes last: a cut restore leaves no table
            }
            List<RawProgramWriter.Entry> order = new java.util.ArrayList<>(first);
            order.addAll(bootChain);
            order.addAll(gpts);
            Files.writeString(dir.resolve("rawprogram0.xml"), RawProgramWriter.rawprogram(order,
                    "modemflash firehose backup: " + luns.size() + " LUN(s), sectors of " + op.sectorSize + " bytes"));
            Files.writeString(dir.resolve("patch0.xml"), RawProgramWriter.emptyPatches());
            Path prog = op.connect.programmer;
            if (prog != null) {
                Files.copy(prog, dir.resolve(prog.getFileName().toString()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                op.out.note("warning: no --programmer given: put the programmer in " + dir
                        + " before `download` restores it");
            }
            op.out.text("backed up " + luns.size() + " LUN(s), " + files.size() + " files, " + total + " bytes, into "
                    + dir);
            result.put("dir", dir.toString());
            result.put("luns", luns.size());
            result.put("bytes", total);
        }

        /** Boot-chain partitions are written after the others, so a cut restore does not boot a half-written set. */
        private static boolean bootChain(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            return n.startsWith("sbl") || n.startsWith("xbl") || n.equals("abl") || n.startsWith("abl_");
        }
    }

    @Command(name = "peek", mixinStandardHelpOptions = true,
            description = {"Read LEN bytes of device memory at ADDR (<peek>), where the programmer allows it.",
                    "Secure programmers refuse it: that is exit 6 with the programmer's reason."})
    static final class Peek extends Op {
        @Parameters(index = "0", paramLabel = "ADDR", description = "Address, e.g. 0x14680000.")
        String address;

        @Parameters(index = "1", paramLabel = "LEN", description = "Bytes to read.")
        long length;

        @Override
        void run(FirehoseSession fh, ObjectNode result) throws IOException {
            if (length <= 0 || length > (1 << 20)) {
                throw new Failure(ExitCode.USAGE, "LEN must be 1..1048576 bytes");
            }
            try {
                Long.decode(address);
            } catch (NumberFormatException e) {
                throw new Failure(ExitCode.USAGE, "ADDR must be a number, e.g. 0x14680000, not " + address);
            }
            var reply = fh.command("peek", io.modemflash.qdl.firehose.FirehoseXml.attrs("address64", address,
                    "SizeInBytes", length), FirehoseSession.Options.DEFAULTS.timeouts().read());
            ArrayNode logs = result.putArray("logs");
            for (String l : reply.logs()) {
                out.text(l);
                logs.add(l);
            }
            result.put("address", address);
            result.put("bytes", length);
        }
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
