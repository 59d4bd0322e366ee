package io.modemflash.updater.cli;

import io.modemflash.updater.api.Cancellation;
import io.modemflash.updater.api.Output;
import io.modemflash.updater.api.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

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
        CommandLine cli = commandLine(args);
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
        return configured(new CommandLine(new Main()));
    }

    /**
     * The command line for these arguments: when they name a subcommand (other than help), only
     * that subcommand's model is built. picocli builds every subcommand's model, by reflection,
     * when it builds the top command's: for `info` that loaded the emulator, image formats and
     * D-Bus classes it never uses. The full tree (top-level help, "did you mean") otherwise.
     */
    public static CommandLine commandLine(String... args) {
        Class<?> only = subcommandNamed(commandWord(args));
        if (only == null) {
            return commandLine();
        }
        CommandSpec top = CommandSpec.wrapWithoutInspection(new Main());
        Command main = Main.class.getAnnotation(Command.class);
        top.name(main.name()).mixinStandardHelpOptions(true).versionProvider(new VersionProvider());
        CommandLine sub = new CommandLine(only);
        top.addSubcommand(sub.getCommandName(), sub);
        return configured(new CommandLine(top));
    }

    /** The first argument that is not a shared option: the subcommand's name when there is one. */
    private static String commandWord(String[] args) {
        for (String a : args) {
            if (!SHARED_OPTIONS.contains(a)) {
                return a;
            }
        }
        return null;
    }

    /** The subcommand class of that name or alias, from Main's own annotation (no model built); null for help. */
    private static Class<?> subcommandNamed(String name) {
        if (name == null || name.equals("help")) {
            return null;
        }
        for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
            Command cmd = c.getAnnotation(Command.class);
            if (cmd != null && (cmd.name().equals(name) || Arrays.asList(cmd.aliases()).contains(name))) {
                return c;
            }
        }
        return null;
    }

    private static CommandLine configured(CommandLine cli) {
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
            return new String[] {"modemflash " + Version.full()};
        }
    }

    /** For commands that only group subcommands (`modemflash firehose`): a usage error naming them. */
    static void needsSubcommand(Object command) {
        CommandLine cmd = new CommandLine(command);
        throw new CommandLine.ParameterException(cmd, "'" + cmd.getCommandName() + "' needs a subcommand: "
                + String.join(", ", cmd.getSubcommands().keySet()));
    }
}
