package io.modemflash.updater.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Every command and subcommand answers --help with its usage and exit 0 (a technician's first try). */
class HelpTest {

    private static void collect(CommandLine cl, List<List<String>> out, List<String> path) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            out.add(p);
            collect(e.getValue(), out, p);
        }
    }

    @Test
    void everyCommandHasHelp() throws Exception {
        List<List<String>> commands = new ArrayList<>();
        collect(Main.commandLine(), commands, List.of());
        assertTrue(commands.size() > 20, commands.toString());
        for (List<String> c : commands) {
            List<String> args = new ArrayList<>(c);
            args.add("--help");
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().contains("Usage: modemflash " + String.join(" ", c)), String.join(" ", args) + ": " + r.out());
        }
    }
}
