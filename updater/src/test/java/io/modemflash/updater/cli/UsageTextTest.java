package io.modemflash.updater.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Help.Ansi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * `modemflash --help` prints the usage prepared at build time: it must be what picocli renders
 * from today's model (a stale one would hide a new command or option), plain or ANSI as
 * picocli's own AUTO decides, and only for exactly `--help`/`-h`.
 */
class UsageTextTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = UsageText.class.getResourceAsStream(name)) {
            assertNotNull(in, name + " was not generated (exec-maven-plugin, process-classes)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void thePreparedUsageIsTodaysModel() throws IOException {
        assertEquals(Main.commandLine().getUsageMessage(Ansi.OFF), resource(UsageText.PLAIN));
        assertEquals(Main.commandLine().getUsageMessage(Ansi.ON), resource(UsageText.ANSI));
        assertTrue(resource(UsageText.PLAIN).contains("firehose"), "lists the subcommands");
    }

    /** The process, as the launchers run it (its entry point {@link Launch}): exit status and stdout. */
    private static String[] run(String... args) throws Exception {
        return run(java.util.Map.of(), args);
    }

    private static String[] run(java.util.Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        List<String> jvm = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String a : args) {
            (a.startsWith("-D") ? jvm : rest).add(a);
        }
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Launch.class.getName()));
        cmd.addAll(rest);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("CLICOLOR_FORCE");
        pb.environment().remove("NO_COLOR");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    @Test
    void helpPrintsPicocliUsagePlainOrAnsiAsPicocliDecides() throws Exception {
        String[] plain = run("--help");
        assertEquals("0", plain[0]);
        assertEquals(Main.commandLine().getUsageMessage(Ansi.OFF), plain[1], "no console: plain");
        String[] ansi = run("-Dpicocli.ansi=true", "-h");
        assertEquals("0", ansi[0]);
        assertEquals(Main.commandLine().getUsageMessage(Ansi.ON), ansi[1], "picocli.ansi=true: ANSI");
        String[] forced = run(java.util.Map.of("CLICOLOR_FORCE", "1"), "--help");
        assertEquals(Main.commandLine().getUsageMessage(Ansi.ON), forced[1], "CLICOLOR_FORCE: picocli says ANSI");
    }

    @Test
    void versionIsWhatPicocliPrints() throws Exception {
        String[] fast = run("--version");
        assertEquals("0", fast[0]);
        CliRun viaPicocli = CliRun.of("--version");
        assertEquals(0, viaPicocli.code());
        assertEquals(viaPicocli.out().strip(), fast[1].strip());
        assertTrue(fast[1].startsWith("modemflash ") && fast[1].contains("(commit "), fast[1]);
        assertEquals(fast[1], run("-V")[1]);
    }

    @Test
    void onlyExactlyHelpTakesTheShortcut() throws Exception {
        assertFalse(UsageText.printIfAsked(new String[] {"devices", "--help"}));
        assertFalse(UsageText.printIfAsked(new String[] {"--help", "--json"}));
        assertFalse(UsageText.printIfAsked(new String[] {}));
        String[] sub = run("devices", "--help");
        assertEquals("0", sub[0]);
        assertTrue(sub[1].contains("Usage: modemflash devices"), sub[1]);
    }
}
