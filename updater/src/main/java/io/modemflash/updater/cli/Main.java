package io.modemflash.updater.cli;

import io.modemflash.updater.api.Cancellation;
import io.modemflash.updater.api.Output;
import io.modemflash.updater.api.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Entry point: `modemflash <command>`. Each subcommand lives in its own class. */
@Command(name = "modemflash",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
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
                "  9 package does not fit the device, 10 device disconnected,",
                "  130 interrupted (SIGINT), 143 terminated (SIGTERM)."})
public final class Main implements Runnable {
    /** Options every subcommand has, also accepted before the subcommand's name (`modemflash -v devices`). */
    private static final Set<String> SHARED_OPTIONS = Set.of("-v", "--verbose", "--json");

    public static void main(String[] args) {
        configureLogging(args);
        Signals.install(Arrays.asList(args).contains("--json"));
        Cancellation.worker(Thread.currentThread());
        int code = run(args);
        if (Cancellation.cancelled()) {
            code = Cancellation.reason().code;
        }
        System.exit(code);
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
        Output.startRun();
        CommandLine cli = commandLine();
        return cli.execute(sharedOptionsAfterCommand(cli, args));
    }

    /** `modemflash -v devices` is `modemflash devices -v`: -v/--json before the subcommand move behind it. */
    static String[] sharedOptionsAfterCommand(CommandLine cli, String[] args) {
        List<String> leading = new ArrayList<>();
        int i = 0;
        while (i < args.length && SHARED_OPTIONS.contains(args[i])) {
            leading.add(args[i++]);
        }
        if (leading.isEmpty() || i >= args.length || !cli.getSubcommands().containsKey(args[i])) {
            return args;
        }
        List<String> out = new ArrayList<>();
        out.add(args[i]);
        out.addAll(leading);
        out.addAll(Arrays.asList(args).subList(i + 1, args.length));
        return out.toArray(String[]::new);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new FailureHandler());
        cli.setExitCodeExceptionMapper(FailureHandler::exitCodeOf);
        cli.setParameterExceptionHandler(FailureHandler::usage);
        return cli;
    }

    /** Without a subcommand: the usage, as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is needed");
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"modemflash " + Version.version() + " (commit " + Version.commit() + ")"};
        }
    }

    /** For commands that only group subcommands (`modemflash firehose`): a usage error naming them. */
    static void needsSubcommand(Object command) {
        CommandLine cmd = new CommandLine(command);
        throw new CommandLine.ParameterException(cmd, "'" + cmd.getCommandName() + "' needs a subcommand: "
                + String.join(", ", cmd.getSubcommands().keySet()));
    }
}
