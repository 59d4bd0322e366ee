package io.modemflash.updater.cli;

import io.modemflash.updater.api.Version;

import java.io.IOException;

/**
 * The process entry point (the launchers and the jar's manifest name it): `modemflash --help`
 * is answered from the usage prepared at build time before any picocli class loads
 * ({@link UsageText}), `--version` from the build's own record; everything else goes to
 * {@link Main}. picocli builds the whole command tree for either (400 ms of a 450 ms start).
 */
public final class Launch {
    private Launch() {
    }

    public static void main(String[] args) {
        try {
            if (UsageText.printIfAsked(args)) {
                System.exit(0);
            }
            if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
                System.out.println("modemflash " + Version.full()); // what Main.VersionProvider has picocli print
                System.exit(0);
            }
        } catch (IOException e) {
            // the jar unreadable: picocli renders the usage in Main and reports what fails
        }
        Main.main(args);
    }
}
