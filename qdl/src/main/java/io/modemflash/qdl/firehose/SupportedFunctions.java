package io.modemflash.qdl.firehose;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The programmer's start-up banner: "Supported Functions (N):" then one function per log
 * line (or all on that line), then "End of supported functions N". Parsed so the session
 * refuses commands the programmer would NAK or, worse, misparse.
 */
public final class SupportedFunctions {
    private static final Pattern HEAD = Pattern.compile("^\\s*Supported Functions\\s*(\\(\\s*\\d+\\s*\\))?\\s*:?(.*)$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern END = Pattern.compile("^\\s*End of supported functions.*$", Pattern.CASE_INSENSITIVE);

    private SupportedFunctions() {
    }

    /** Lower-case function names found in the logs; empty when no banner was seen. */
    public static Set<String> parse(List<String> logs) {
        Set<String> out = new TreeSet<>();
        boolean inList = false;
        for (String log : logs) {
            if (END.matcher(log).matches()) {
                inList = false;
                continue;
            }
            Matcher m = HEAD.matcher(log);
            if (m.matches()) {
                inList = true;
                addWords(m.group(2), out);
                continue;
            }
            if (inList) {
                addWords(log, out);
            }
        }
        return out;
    }

    private static void addWords(String text, Set<String> out) {
        for (String w : text.split("[\\s,;]+")) {
            if (!w.isEmpty() && w.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')) {
                out.add(w.toLowerCase(Locale.ROOT));
            }
        }
    }
}
