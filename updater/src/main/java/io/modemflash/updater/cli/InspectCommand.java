package io.modemflash.updater.cli;

import io.modemflash.updater.api.ExitCode;
import io.modemflash.updater.api.Output;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modemflash.images.BadPackageException;
import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.PackageImage;
import io.modemflash.images.Problem;
import io.modemflash.images.cwe.CweImage;
import io.modemflash.images.elf.ElfImage;
import io.modemflash.images.flat.FlatBuild;
import io.modemflash.images.flat.FlatOp;
import io.modemflash.images.sparse.SparseImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * `modemflash inspect PACKAGE`: what the package is, what it targets, the versions an update
 * will ask for, every image with its SHA-256 and structure, and every problem found.
 * Exit code 5 (bad package) when the package is not flashable.
 */
@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        description = {"Open a firmware package, validate every image and print the protocol, product, versions "
                + "and images.", "A package is an image file, a directory, or a zip, tar, tar.gz, tar.xz or 7z archive."})
public final class InspectCommand implements Callable<Integer> {
    @Mixin
    OutputOptions options;

    @Parameters(index = "0", paramLabel = "PACKAGE", description = "The package: a file, a directory or an archive.")
    Path packagePath;

    @Override
    public Integer call() throws IOException {
        Output out = options.output();
        try (FirmwarePackage pkg = FirmwarePackage.open(packagePath, Limits.defaults())) {
            ObjectNode event = describe(pkg);
            out.emit(event);
            out.text(render(pkg));
            ObjectNode result = Output.mapper().createObjectNode();
            result.put("event", "result");
            result.put("ok", true);
            result.put("exit_code", ExitCode.OK.code);
            result.put("warnings", pkg.problems().size());
            out.emit(result);
            return ExitCode.OK.code;
        } catch (BadPackageException e) {
            // the failure handler prints the first problem and the result event; show the rest here
            for (Problem p : e.problems()) {
                out.emit(problemEvent(p));
            }
            List<Problem> others = new ArrayList<>(e.problems());
            if (!others.isEmpty()) {
                others.remove(0);
            }
            for (Problem p : others) {
                out.note("  " + (p.isError() ? "error: " : "warning: ") + p.line());
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ JSON

    static ObjectNode describe(FirmwarePackage pkg) throws IOException {
        ObjectNode n = Output.mapper().createObjectNode();
        n.put("event", "package");
        n.put("source", pkg.source().toString());
        n.put("kind", pkg.kind().label);
        n.put("protocol", pkg.protocol() == null ? null : pkg.protocol().label);
        n.put("product", pkg.product());
        n.put("firmware_version", pkg.firmwareVersion());
        n.put("config_version", pkg.configVersion());
        n.put("carrier", pkg.carrier());
        ArrayNode images = n.putArray("images");
        FlatBuild fb = pkg.flatBuild().orElse(null);
        for (PackageImage img : pkg.images()) {
            ObjectNode i = images.addObject();
            i.put("name", img.name());
            i.put("type", img.type().label);
            i.put("size", img.size());
            i.put("sha256", img.sha256());
            if (img.qcVersion() != null) {
                i.put("qc_version", img.qcVersion());
            }
            if (img.cwe() != null) {
                i.set("cwe", cwe(img.cwe()));
            }
            if (img.elf() != null) {
                i.set("elf", elf(img.elf()));
            }
            if (img.sparse() != null) {
                i.set("sparse", sparse(img.sparse()));
            }
            if (fb != null) {
                ArrayNode parts = Output.mapper().createArrayNode();
                for (FlatOp.Program p : fb.programs()) {
                    if (p.image() == img) {
                        parts.add(op(p));
                    }
                }
                if (!parts.isEmpty()) {
                    i.set("partitions", parts);
                }
            }
        }
        if (fb != null) {
            ArrayNode ops = n.putArray("operations");
            fb.operations().forEach(o -> ops.add(op(o)));
            n.put("bootable_lun", fb.bootableLun());
        }
        ArrayNode problems = n.putArray("problems");
        pkg.problems().forEach(p -> problems.add(problem(p)));
        return n;
    }

    private static ObjectNode cwe(CweImage c) {
        ObjectNode n = Output.mapper().createObjectNode();
        n.put("type", c.type());
        n.put("product", c.header().product());
        n.put("version", c.header().version());
        n.put("date", c.header().date());
        n.put("offset", c.offset());
        n.put("image_size", c.header().imageSize());
        n.put("crc_valid", c.header().crcsValid());
        n.put("image_crc", String.format("%08X", c.header().imageCrc()));
        if (!c.children().isEmpty()) {
            ArrayNode ch = n.putArray("children");
            c.children().forEach(k -> ch.add(cwe(k)));
        }
        return n;
    }

    private static ObjectNode elf(ElfImage e) {
        ObjectNode n = Output.mapper().createObjectNode();
        n.put("class", e.elfClass());
        n.put("machine", e.machine());
        n.put("entry", "0x" + Long.toHexString(e.entry()));
        ArrayNode segs = n.putArray("segments");
        for (ElfImage.Segment s : e.segments()) {
            ObjectNode o = segs.addObject();
            o.put("index", s.index());
            o.put("type", s.type());
            o.put("flags", "0x" + Long.toHexString(s.flags()));
            o.put("offset", s.offset());
            o.put("filesz", s.filesz());
            o.put("vaddr", "0x" + Long.toHexString(s.vaddr()));
            o.put("memsz", s.memsz());
            o.put("hash", s.isHash());
        }
        return n;
    }

    private static ObjectNode sparse(SparseImage s) {
        ObjectNode n = Output.mapper().createObjectNode();
        n.put("block_size", s.blockSize());
        n.put("total_blocks", s.totalBlocks());
        n.put("expanded_size", s.expandedSize());
        n.put("chunks", s.totalChunks());
        n.put("raw_chunks", s.summary().raw());
        n.put("fill_chunks", s.summary().fill());
        n.put("dont_care_chunks", s.summary().dontCare());
        n.put("crc32_chunks", s.summary().crc32());
        return n;
    }

    private static ObjectNode op(FlatOp o) {
        ObjectNode n = Output.mapper().createObjectNode();
        n.put("op", o instanceof FlatOp.Program ? "program" : o instanceof FlatOp.Erase ? "erase" : "patch");
        n.put("source", o.source());
        n.put("lun", o.lun());
        n.put("sector_size", o.sectorSize());
        n.put("start_sector", o.startSector().text());
        if (o instanceof FlatOp.Program p) {
            n.put("label", p.label());
            n.put("filename", p.image().name());
            n.put("num_sectors", p.numSectors());
            if (!p.sparse()) {
                n.put("sectors_to_write", p.sectorsToWrite());
            }
            n.put("file_sector_offset", p.fileSectorOffset());
            n.put("sparse", p.sparse());
        } else if (o instanceof FlatOp.Erase e) {
            n.put("label", e.label());
            n.put("num_sectors", e.numSectors());
        } else if (o instanceof FlatOp.Patch p) {
            n.put("filename", p.filename());
            n.put("byte_offset", p.byteOffset());
            n.put("size_in_bytes", p.sizeInBytes());
            n.put("value", p.value().text());
            n.put("to_device", p.toDevice());
            n.put("what", p.what());
        }
        return n;
    }

    private static ObjectNode problem(Problem p) {
        ObjectNode n = Output.mapper().createObjectNode();
        n.put("severity", p.severity().name().toLowerCase());
        n.put("reason", p.reason().label);
        n.put("where", p.where());
        n.put("message", p.message());
        return n;
    }

    private static ObjectNode problemEvent(Problem p) {
        ObjectNode n = Output.mapper().createObjectNode();
        n.put("event", "problem");
        n.setAll(problem(p));
        return n;
    }

    // ------------------------------------------------------------------ text

    static String render(FirmwarePackage pkg) throws IOException {
        StringBuilder b = new StringBuilder();
        line(b, "package", pkg.source() + " (" + pkg.kind().label + ")");
        line(b, "protocol", pkg.protocol() == null ? "-" : pkg.protocol().label);
        line(b, "product", pkg.product());
        line(b, "firmware", pkg.firmwareVersion());
        line(b, "config", pkg.configVersion());
        line(b, "carrier", pkg.carrier());
        b.append("images:\n");
        FlatBuild fb = pkg.flatBuild().orElse(null);
        for (PackageImage img : pkg.images()) {
            b.append(String.format("  %s  %s  %d bytes  sha256 %s%n", img.name(), img.type().label, img.size(),
                    img.sha256()));
            if (img.qcVersion() != null) {
                b.append("    version ").append(img.qcVersion()).append('\n');
            }
            if (img.cwe() != null) {
                img.cwe().walk(c -> b.append("    ").append("  ".repeat(c.depth()))
                        .append(String.format("%s %s %s (%d bytes%s)%n", c.type(), c.header().product(),
                                c.header().version(), c.header().imageSize(),
                                c.header().crcsValid() ? ", CRC ok" : ", CRC not checked")));
            }
            if (img.elf() != null) {
                ElfImage e = img.elf();
                ElfImage.Segment h = e.hashSegment();
                b.append(String.format("    ELF%d machine %d entry 0x%x, %d program headers%s%n", e.elfClass(),
                        e.machine(), e.entry(), e.segments().size(),
                        h == null ? "" : String.format(", hash segment at 0x%x", h.offset())));
            }
            if (img.sparse() != null) {
                SparseImage s = img.sparse();
                b.append(String.format("    Android sparse: %d blocks of %d (%d bytes expanded), %d chunks%n",
                        s.totalBlocks(), s.blockSize(), s.expandedSize(), s.totalChunks()));
            }
            if (fb != null) {
                for (FlatOp.Program p : fb.programs()) {
                    if (p.image() == img) {
                        b.append(String.format("    -> LUN %d sector %s, partition %d sectors of %d, %s%s (%s)%n",
                                p.lun(), p.startSector(), p.numSectors(), p.sectorSize(),
                                p.sparse() ? "sparse chunks" : "writes " + p.sectorsToWrite(),
                                p.fileSectorOffset() > 0 ? " from file sector " + p.fileSectorOffset() : "",
                                p.label() == null ? "-" : p.label()));
                    }
                }
            }
        }
        if (fb != null) {
            b.append(String.format("operations: %d program, %d erase, %d patch (%d to the device), LUNs %s%n",
                    fb.programs().size(), fb.erases().size(), fb.patches().size(),
                    fb.patches().stream().filter(FlatOp.Patch::toDevice).count(), fb.luns()));
        }
        if (pkg.problems().isEmpty()) {
            b.append("problems: none");
        } else {
            b.append("problems:");
            pkg.problems().forEach(p -> b.append("\n  warning: ").append(p.line()));
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format("%-9s %s%n", key, value == null ? "-" : value));
    }
}
