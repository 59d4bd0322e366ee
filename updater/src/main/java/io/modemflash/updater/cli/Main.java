package io.modemflash.updater.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: `modemflash <command>`. Each subcommand lives in its own class. */
@Command(name = "modemflash",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Update the firmware of Qualcomm-based cellular modems on Linux.",
        subcommands = {
                CommandLine.HelpCommand.class,
                BootModeCommand.class,
                DecodeCommand.class,
                DevicesCommand.class,
                EmulateCommand.class,
                InspectCommand.class,
                UpdateCommand.class,
                DownloadCommand.class,
                SaharaCommand.class,
                FirehoseCommand.class,
                InfoCommand.class,
                DemoCommand.class,
        },
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0 success, 1 internal error, 2 usage, 3 device not found, 4 device busy,",
                "  5 bad package, 6 protocol failure, 7 timeout, 8 verification mismatch,",
                "  9 package does not fit the device, 10 device disconnected, 130 interrupted."})
public final class Main implements Runnable {

    public static void main(String[] args) {
        configureLogging(args);
        System.exit(run(args));
    }

    /** slf4j-simple reads its level once, at the first logger: decide before anything logs. */
    static void configureLogging(String[] args) {
        for (String a : args) {
            if (a.equals("-v") || a.equals("--verbose")) {
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
                return;
            }
        }
    }

    /** Runs the CLI and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new FailureHandler());
        cli.setExitCodeExceptionMapper(FailureHandler::exitCodeOf);
        cli.setParameterExceptionHandler(FailureHandler::usage);
        return cli;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.err);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"modemflash " + (v == null ? "development build" : v)};
        }
    }
}
