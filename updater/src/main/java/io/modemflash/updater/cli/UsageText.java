package io.modemflash.updater.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * `modemflash --help` without building the command tree: the top-level usage is rendered from
 * the picocli model at build time ({@link Build}, run by Maven in process-classes, like the man
 * pages) and printed from the jar by {@link Launch}. Building every subcommand's model by
 * reflection was 330 of the 430 ms `--help` took even from the AppCDS archive, and loading
 * picocli at all another 60 (bench/startup-bench.sh). The output is byte for byte picocli's,
 * plain or ANSI as picocli's own AUTO decides.
 */
final class UsageText {
    static final String PLAIN = "usage.txt";
    static final String ANSI = "usage-ansi.txt";

    private UsageText() {
    }

    /**
     * Prints the prepared usage when these arguments ask for exactly it ({@code --help} or
     * {@code -h} alone, no usage width chosen by property); false when they do not or the jar
     * lacks it (a build that skipped the step), and picocli then renders it as before.
     */
    static boolean printIfAsked(String[] args) throws IOException {
        if (args.length != 1 || !(args[0].equals("--help") || args[0].equals("-h"))
                || System.getProperty("picocli.usage.width") != null) {
            return false;
        }
        try (InputStream in = UsageText.class.getResourceAsStream(ansi() ? ANSI : PLAIN)) {
            if (in == null) {
                return false;
            }
            System.out.write(in.readAllBytes());
            System.out.flush();
            return true;
        }
    }

    /**
     * picocli's AUTO on Linux is plain without a terminal unless CLICOLOR_FORCE or the
     * picocli.ansi property say otherwise: that case (scripts, pipes) is decided here without
     * loading picocli; every other one is asked of picocli itself.
     */
    private static boolean ansi() {
        if (System.console() == null && System.getenv("CLICOLOR_FORCE") == null
                && System.getProperty("picocli.ansi") == null) {
            return false;
        }
        return Picocli.auto();
    }

    /** Loaded only when picocli must decide. */
    private static final class Picocli {
        static boolean auto() {
            return Ansi.AUTO.enabled();
        }
    }

    /** Build step: writes both renderings under {@code args[0]} (the classes directory). */
    static final class Build {
        public static void main(String[] args) throws IOException {
            Path dir = Files.createDirectories(Path.of(args[0]).resolve("io/modemflash/updater/cli"));
            CommandLine cli = Main.commandLine();
            Files.writeString(dir.resolve(PLAIN), cli.getUsageMessage(Ansi.OFF));
            Files.writeString(dir.resolve(ANSI), cli.getUsageMessage(Ansi.ON));
        }
    }
}
