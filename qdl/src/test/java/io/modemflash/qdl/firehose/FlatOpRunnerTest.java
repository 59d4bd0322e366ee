package io.modemflash.qdl.firehose;

import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.images.elf.ElfWriter;
import io.modemflash.images.flat.FlatBuild;
import io.modemflash.images.flat.FlatOp;
import io.modemflash.images.sparse.SparseWriter;
import io.modemflash.qdl.Progress;
import io.modemflash.qdl.link.InMemoryLink;
import io.modemflash.qdl.testutil.PeerThread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** A flat build read by the images module, sent op by op to a scripted programmer. */
class FlatOpRunnerTest {

    static byte[] bytes(int seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void flatBuildOperationsReachTheProgrammerVerbatim(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("prog_firehose_ddr.elf"), ElfWriter.elf64(183, 0x14000000L, List.of(
                new ElfWriter.Seg(0, 0x07000000L, 0, 0, new byte[0], 0),
                new ElfWriter.Seg(0, ElfWriter.QCOM_HASH_FLAGS, 0x1000, 0x14010000L, bytes(10, 0x400), 0x1000),
                new ElfWriter.Seg(1, 0x80000005L, 0x2000, 0x14000000L, bytes(11, 0x3000), 0x4000))));
        byte[] sbl = bytes(21, 3 * 512 + 100);
        Files.write(dir.resolve("sbl1.mbn"), sbl);
        byte[] raw1 = bytes(22, 2 * 4096);
        SparseWriter.write(dir.resolve("system.img"), 4096, List.of(new SparseWriter.Raw(raw1),
                new SparseWriter.DontCare(2), new SparseWriter.Fill(0xA5A5A5A5, 1)));
        Files.writeString(dir.resolve("rawprogram0.xml"), """
                <?xml version="1.0" ?>
                <data>
                  <program SECTOR_SIZE_IN_BYTES="512" file_sector_offset="0" filename="sbl1.mbn" label="sbl1"
                     num_partition_sectors="0" physical_partition_number="0" start_sector="34"/>
                  <erase SECTOR_SIZE_IN_BYTES="512" physical_partition_number="0" start_sector="400"
                     num_partition_sectors="8" label="fsg"/>
                  <program SECTOR_SIZE_IN_BYTES="4096" filename="system.img" label="system" sparse="true"
                     num_partition_sectors="0" physical_partition_number="1" start_sector="6"/>
                </data>
                """);
        Files.writeString(dir.resolve("patch0.xml"), """
                <?xml version="1.0" ?>
                <patches>
                  <patch SECTOR_SIZE_IN_BYTES="512" byte_offset="72" filename="DISK" physical_partition_number="0"
                     size_in_bytes="8" start_sector="NUM_DISK_SECTORS-1." value="NUM_DISK_SECTORS-5." what="lba"/>
                  <patch SECTOR_SIZE_IN_BYTES="512" byte_offset="88" filename="gpt_main0.bin"
                     physical_partition_number="0" size_in_bytes="4" start_sector="1" value="0" what="host only"/>
                </patches>
                """);
        List<String> seen = new ArrayList<>();
        var pair = InMemoryLink.pair();
        var peer = new FirehosePeer(pair.device());
        try (FirmwarePackage pkg = FirmwarePackage.open(dir, Limits.defaults());
             var t = new PeerThread(() -> {
                 for (int i = 0; i < 5; i++) {
                     FirehoseElement e = peer.receive();
                     seen.add(e.tag() + " " + e.attr("physical_partition_number") + " " + e.attr("start_sector") + " "
                             + e.attr("num_partition_sectors"));
                     if (e.tag().equals("program")) {
                         peer.ack("rawmode=\"true\"");
                         int n = Integer.parseInt(e.attr("num_partition_sectors"))
                                 * Integer.parseInt(e.attr("SECTOR_SIZE_IN_BYTES"));
                         byte[] got = peer.io.readExactly(n);
                         if (e.attr("label").equals("sbl1")) {
                             assertArrayEquals(Arrays.copyOf(sbl, 4 * 512), got);
                         } else if (e.attr("start_sector").equals("6")) {
                             assertArrayEquals(raw1, got);
                         } else {
                             assertEquals((byte) 0xA5, got[4095]);
                         }
                         peer.ack("rawmode=\"false\"");
                     } else {
                         if (e.tag().equals("patch")) {
                             assertEquals("NUM_DISK_SECTORS-5.", e.attr("value"));
                             assertEquals("DISK", e.attr("filename"));
                         }
                         peer.ack();
                     }
                 }
             })) {
            FlatBuild fb = pkg.flatBuild().orElseThrow();
            var runner = new FlatOpRunner(new FirehoseSession(pair.host(), FirehoseSessionTest.FAST));
            for (FlatOp op : fb.operations()) {
                runner.run(op, Progress.NONE);
            }
            t.join();
        }
        assertEquals(List.of("program 0 34 4", "erase 0 400 8", "program 1 6 2", "program 1 10 1",
                "patch 0 NUM_DISK_SECTORS-1. null"), seen, "DONT_CARE and host-only patches are not sent");
    }
}
