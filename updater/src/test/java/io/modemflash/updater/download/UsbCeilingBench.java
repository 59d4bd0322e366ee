package io.modemflash.updater.download;

import io.modemflash.qdl.firehose.FirehoseSession;
import io.modemflash.qdl.link.UsbLink;
import io.modemflash.qdl.sahara.SaharaImage;
import io.modemflash.qdl.sahara.SaharaSession;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Bench harness, not a test (virtual bench scenario 04-figures): the USB ceiling for a
 * Firehose image on this link. It takes an EDL device through Sahara (programmer upload) and
 * configure, announces one {@code <program>} of BYTES on LUN 0, then only writes 1 MiB bulk
 * transfers of zeros (UsbLink: a slice of exactly the bytes to LibUsb.bulkTransfer, a ZLP
 * where the Firehose rule wants one) with no file reading and no progress, and waits for the
 * final ACK. Prints the transfer phase's rate. With {@code crc32c} as a fourth argument each
 * transfer's bytes (random, not zeros) first go through a CRC-32C, the per-byte check a real
 * download makes while it streams (issue 14): what that check alone costs on this CPU.
 *
 * <pre>java -cp modemflash.jar:updater/target/test-classes io.modemflash.updater.download.UsbCeilingBench
 *     PORT PROGRAMMER BYTES [crc32c]</pre>
 */
public final class UsbCeilingBench {
    private UsbCeilingBench() {
    }

    public static void main(String[] args) throws Exception {
        String port = args[0];
        Path programmer = Path.of(args[1]);
        long bytes = Long.parseLong(args[2]);
        boolean crc = args.length > 3 && args[3].equals("crc32c");
        int sector = 4096;
        try (UsbLink link = UsbLink.open(port, null)) {
            SaharaSession s = new SaharaSession(link);
            s.detect();
            try (SaharaImage p = SaharaImage.open(programmer)) {
                s.uploadProgrammer(p, io.modemflash.qdl.Progress.NONE);
            }
            FirehoseSession fh = new FirehoseSession(link, FirehoseSession.Options.DEFAULTS, s.takeBuffered());
            fh.readBanner();
            FirehoseSession.Configuration c = fh.configure("ufs", false);
            int chunk = c.maxPayloadToTarget();
            long sectors = bytes / sector;
            FirehoseSession.Reply r = fh.command("program", Map.of("SECTOR_SIZE_IN_BYTES", Integer.toString(sector),
                    "num_partition_sectors", Long.toString(sectors), "physical_partition_number", "0",
                    "start_sector", "0", "filename", "ceiling.bin"), 10_000);
            if (!"true".equals(r.response().attr("rawmode"))) {
                throw new IllegalStateException("program not in raw mode: " + r);
            }
            byte[] zeros = new byte[chunk];
            if (crc) {
                new java.util.Random(1).nextBytes(zeros);
            }
            java.util.zip.CRC32C check = new java.util.zip.CRC32C();
            long left = sectors * sector;
            long t0 = System.nanoTime();
            while (left > 0) {
                int n = (int) Math.min(chunk, left);
                if (crc) {
                    check.update(zeros, 0, n);
                }
                link.write(zeros, 0, n);
                left -= n;
            }
            long written = System.nanoTime();
            // the final ACK (rawmode="false"), possibly after logs
            StringBuilder reply = new StringBuilder();
            byte[] buf = new byte[4096];
            while (!reply.toString().contains("rawmode=\"false\"")) {
                int n = link.read(buf, 0, buf.length, 120_000);
                reply.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            long acked = System.nanoTime();
            System.out.printf("ceiling%s: %d bytes in %d-byte transfers: writes %.1f MiB/s, to the ACK %.1f MiB/s (%.2f s)%n",
                    crc ? " with CRC-32C" : "", sectors * sector, chunk, mibps(sectors * sector, written - t0), mibps(sectors * sector, acked - t0),
                    (acked - t0) / 1e9);
            fh.power("reset", 0);
        }
    }

    private static double mibps(long bytes, long nanos) {
        return bytes / 1048576.0 / (nanos / 1e9);
    }
}
