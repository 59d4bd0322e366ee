package io.modemflash.qdl.firehose;

import io.modemflash.images.ImageReader;
import io.modemflash.images.flat.FlatOp;
import io.modemflash.images.sparse.SparseImage;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.link.ChunkPrefetcher;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends the operations of a Qualcomm flat build (images' {@link FlatOp}, in the order the
 * package gives them) through a {@link FirehoseSession}: raw programs from the file at
 * {@code fileSectorOffset}, sparse programs as one program per RAW/FILL run, erases, and
 * the DISK patches. Start sectors and patch values go to the device verbatim.
 */
public final class FlatOpRunner {
    private final FirehoseSession session;

    public FlatOpRunner(FirehoseSession session) {
        this.session = session;
    }

    public void run(FlatOp op, Progress progress) throws IOException {
        if (op instanceof FlatOp.Program p) {
            program(p, progress);
        } else if (op instanceof FlatOp.Erase e) {
            boolean wholeLun = e.numSectors() < 0;
            session.erase(e.sectorSize(), e.lun(), wholeLun ? null : e.startSector().text(),
                    wholeLun ? null : e.numSectors());
        } else if (op instanceof FlatOp.Patch p) {
            if (p.toDevice()) {
                session.patch(new FirehoseSession.Patch(p.sectorSize(), Long.toString(p.byteOffset()), p.lun(),
                        Integer.toString(p.sizeInBytes()), p.startSector().text(), p.value().text(), p.what()));
            }
        }
    }

    private void program(FlatOp.Program p, Progress progress) throws IOException {
        Map<String, String> extra = new LinkedHashMap<>();
        if (p.label() != null && !p.label().isEmpty()) {
            extra.put("label", p.label());
        }
        String name = p.filename();
        if (!p.sparse()) {
            long bytes = p.fileBytes();
            long offset = p.fileSectorOffset() * p.sectorSize();
            var region = new FirehoseSession.Region(p.sectorSize(), p.sectorsToWrite(), p.lun(), p.startSector().text());
            // read through the image's CRC check: a file that is not what inspection accepted fails before its last chunk
            try (ImageReader in = ImageReader.open(p.image(), offset + bytes)) {
                session.program(region, name, extra, chunk -> new ChunkPrefetcher(in.stream(offset, bytes), bytes, chunk,
                        0), bytes, progress);
            }
            return;
        }
        List<FlatOp.SparseRun> runs = new ArrayList<>();
        p.forEachSparseRun(runs::add);
        long total = 0;
        long lastRawByte = 0;
        for (FlatOp.SparseRun r : runs) {
            total += r.sectors() * p.sectorSize();
            if (r.chunk().type() == SparseImage.ChunkType.RAW) {
                lastRawByte = Math.max(lastRawByte, r.chunk().dataOffset() + r.sectors() * p.sectorSize());
            }
        }
        long grand = total;
        long[] before = {0};
        Progress whole = (n, done, t) -> progress.update(name, before[0] + done, grand);
        try (ImageReader in = ImageReader.open(p.image(), lastRawByte)) {
            for (FlatOp.SparseRun r : runs) {
                long len = r.sectors() * p.sectorSize();
                var region = new FirehoseSession.Region(p.sectorSize(), r.sectors(), p.lun(), Long.toString(r.startSector()));
                boolean raw = r.chunk().type() == SparseImage.ChunkType.RAW;
                session.program(region, name, extra, chunk -> raw
                        ? new ChunkPrefetcher(in.stream(r.chunk().dataOffset(), len), len, chunk, 0)
                        : new ChunkPrefetcher(new FirehoseSession.FillStream(r.chunk().value(), len), len, chunk, 0),
                        len, whole);
                before[0] += len;
            }
        }
    }
}
