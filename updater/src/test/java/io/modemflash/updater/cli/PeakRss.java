package io.modemflash.updater.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the CLI like {@code modemflash} does, then prints the process's peak resident set size
 * ({@code VmHWM} of /proc/self/status) as {@code peak_rss_kib=N} on stderr and exits with the
 * CLI's code. For tests that bound a whole run's memory in a child JVM.
 */
public final class PeakRss {
    private PeakRss() {
    }

    public static void main(String[] args) throws Exception {
        Main.configureLogging(args);
        int code = Main.run(args);
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                System.err.println("peak_rss_kib=" + line.replaceAll("\\D", ""));
            }
        }
        System.exit(code);
    }
}
