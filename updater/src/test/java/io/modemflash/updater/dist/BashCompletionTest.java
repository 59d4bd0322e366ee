package io.modemflash.updater.dist;

import io.modemflash.updater.cli.Main;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bash completion script the build generates from the picocli model (exec-maven-plugin,
 * picocli.AutoComplete), sourced in a real bash and asked what it completes, the way bash
 * calls a completion function: COMP_WORDS/COMP_CWORD set, the function called with the
 * command, the current word and the previous one, candidates read from COMPREPLY.
 */
class BashCompletionTest {
    static final Path SCRIPT = Path.of("target", "modemflash-completion.bash");

    @Test
    void completesEverySubcommandAfterTheCommandName() throws Exception {
        Set<String> expected = new TreeSet<>(Main.commandLine().getSubcommands().keySet());
        assertTrue(expected.containsAll(List.of("update", "devices", "info", "demo", "emulate")), expected.toString());
        assertEquals(expected, complete("modemflash "));
    }

    @Test
    void completesTheOptionsOfASubcommand() throws Exception {
        assertEquals(Set.of("--dry-run"), complete("modemflash update --dr"));
        Set<String> update = complete("modemflash update --");
        assertTrue(update.containsAll(List.of("--device", "--all", "--json", "--state-dir", "--timeout", "--skip-verify")),
                update.toString());
        assertTrue(update.stream().allMatch(o -> o.startsWith("--")), update.toString());
    }

    @Test
    void completesAnOptionsValuesAndNestedSubcommands() throws Exception {
        assertEquals(Set.of("mc7455", "em7565", "edl"), complete("modemflash emulate --profile "));
        // nested subcommands as the model has them (firehose gains commands; the script must follow)
        Set<String> firehose = new TreeSet<>(Main.commandLine().getSubcommands().get("firehose").getSubcommands().keySet());
        assertTrue(firehose.containsAll(List.of("program", "read", "write", "erase", "backup", "gpt", "reset")),
                firehose.toString());
        assertEquals(firehose, complete("modemflash firehose "));
    }

    /** The candidates bash would offer for a line typed up to its end ("modemflash up" or "modemflash "). */
    static Set<String> complete(String line) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(SCRIPT), SCRIPT.toAbsolutePath() + " missing: the build (process-classes) generates it");
        String driver = String.join("\n",
                "source \"$1\"",
                "read -ra COMP_WORDS <<<\"$2\"",
                "[[ \"$2\" == *' ' ]] && COMP_WORDS+=('')",
                "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))",
                "COMP_LINE=\"$2\"; COMP_POINT=${#COMP_LINE}",
                // compopt only works inside real completion; it complains, the candidates stand
                "_complete_modemflash modemflash \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\" 2>/dev/null",
                "printf '%s\\n' \"${COMPREPLY[@]}\"");
        Process p = new ProcessBuilder("bash", "-c", driver, "completion-test", SCRIPT.toString(), line)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash did not finish");
        assertEquals(0, p.exitValue(), "bash failed for: " + line);
        Set<String> candidates = new TreeSet<>(Arrays.asList(out.split("\n")));
        candidates.remove("");
        return candidates;
    }
}
