package io.modemflash.updater.cli;

/** Stands in for the CLI in a launcher test: proves the launcher found and ran its jar. */
public final class LauncherProbe {
    private LauncherProbe() {
    }

    public static void main(String[] args) {
        System.out.println("launcher probe: " + String.join(" ", args));
    }
}
