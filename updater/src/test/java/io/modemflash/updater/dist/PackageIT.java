package io.modemflash.updater.dist;

import io.modemflash.updater.api.Version;
import io.modemflash.updater.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What `mvn package` builds, used the way a user uses it: the tarball unpacked in a temporary
 * folder and started through a symlink from elsewhere; the .deb's control data and file list,
 * and its tree extracted and started through its /usr/bin symlink. (Installing the .deb with
 * dpkg -i is .ci/install-test's job: it changes the machine.)
 */
class PackageIT {
    static final Path TARGET = Path.of("target").toAbsolutePath();
    static final String VERSION = Version.version();

    @TempDir
    Path tmp;

    /** The launcher's cache (XDG_CACHE_HOME/modemflash), kept out of the real home. */
    Path cache;

    @org.junit.jupiter.api.BeforeEach
    void cacheInTmp() {
        cache = tmp.resolve("xdg-cache/modemflash");
    }

    @Test
    void theTarballRunsFromAnywhereThroughASymlink() throws Exception {
        Path tarball = TARGET.resolve("modemflash-" + VERSION + ".tar.gz");
        assertTrue(Files.isRegularFile(tarball), tarball + " missing: `mvn package` builds it");
        Path unpacked = Files.createDirectories(tmp.resolve("opt"));
        run(unpacked, 60, "tar", "xzf", tarball.toString());
        Path top = unpacked.resolve("modemflash-" + VERSION);

        assertTrue(Files.isExecutable(top.resolve("bin/modemflash")));
        assertTrue(Files.isRegularFile(top.resolve("lib/modemflash.jar")));
        assertTrue(hasJar(top.resolve("lib"), "picocli-"));
        assertTrue(Files.isRegularFile(top.resolve("README.md")));
        assertTrue(Files.isRegularFile(top.resolve("lib/udev/rules.d/70-modemflash.rules")));
        assertEquals(Files.readString(BashCompletionTest.SCRIPT),
                Files.readString(top.resolve("share/bash-completion/completions/modemflash")));
        for (String page : manPages()) {
            String troff = Files.readString(top.resolve("share/man/man1/" + page + ".1"));
            assertTrue(troff.contains(titleLine(page)), page + ": " + troff.lines().limit(12).toList());
        }

        Path elsewhere = Files.createDirectories(tmp.resolve("home/bin"));
        Path link = Files.createSymbolicLink(elsewhere.resolve("modemflash"), top.resolve("bin/modemflash"));
        Path cwd = Files.createDirectories(tmp.resolve("somewhere"));
        assertEquals("modemflash " + VERSION + " (commit " + Version.commit() + ")", run(cwd, 60, link.toString(), "--version").strip());
        // help and --version print what the build prepared, from the JDK's own archive: none of ours
        if (Files.exists(cache)) {
            try (var archives = Files.list(cache)) {
                assertEquals(List.of(), archives.toList(), "no archive for --version");
            }
        }
        // other commands write their AppCDS archive at the end of their first run (the JVM exec'd, under a
        // name of its own); the next run adopts it and starts from it; stdout stays clean
        String[] decode = {link.toString(), "decode", "qmi", "--json", "01-0C", "-00-00-02-01-00-02-00-FF-FF-00-00"};
        String first = run(cwd, 60, decode);
        try (var archives = Files.list(cache)) {
            assertEquals(List.of("decode-N.jsa.N.tmp"), archives.map(p -> p.getFileName().toString()
                    .replaceAll("[0-9]+", "N")).toList(), "one archive written by decode's first run");
        }
        assertEquals(first, run(cwd, 60, decode), "the same output from the archive");
        try (var archives = Files.list(cache)) {
            assertEquals(List.of("decode-N.jsa"), archives.map(p -> p.getFileName().toString()
                    .replaceAll("[0-9]+", "N")).toList(), "the second run adopted it");
        }
        assertTrue(first.contains("{\"event\":\"result\",\"ok\":true"), first);
        String demo = run(cwd, 300, link.toString(), "demo");
        assertTrue(demo.contains("flash equals the package byte for byte"), demo);
    }

    @Test
    void theDebInstallsTheSameTreeInDebiansPlaces() throws Exception {
        String debVersion = VERSION.replace('-', '~');
        Path deb = TARGET.resolve("modemflash_" + debVersion + "_all.deb");
        assertTrue(Files.isRegularFile(deb), deb + " missing: `mvn package` builds it with dpkg-deb");

        String info = run(tmp, 60, "dpkg-deb", "--info", deb.toString());
        assertTrue(info.contains("Package: modemflash"), info);
        assertTrue(info.contains("Version: " + debVersion), info);
        assertTrue(info.contains("Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless"), info);
        assertTrue(info.contains("Architecture: all"), info);

        String contents = run(tmp, 60, "dpkg-deb", "--contents", deb.toString());
        for (String path : List.of("./usr/share/modemflash/bin/modemflash", "./usr/share/modemflash/lib/modemflash.jar",
                "./usr/lib/udev/rules.d/70-modemflash.rules", "./usr/share/bash-completion/completions/modemflash",
                "./usr/bin/modemflash -> ../share/modemflash/bin/modemflash")) {
            assertTrue(contents.contains(path), path + " not in\n" + contents);
        }
        assertTrue(!contents.contains("darwin") && !contents.contains("win32"), "only Linux natives belong in the package");

        Path root = Files.createDirectories(tmp.resolve("root"));
        run(tmp, 60, "dpkg-deb", "--extract", deb.toString(), root.toString());
        for (String page : manPages()) {
            String troff = gunzip(root.resolve("usr/share/man/man1/" + page + ".1.gz"));
            assertTrue(troff.contains(titleLine(page)), page);
        }
        String version = run(tmp, 60, root.resolve("usr/bin/modemflash").toString(), "--version");
        assertEquals("modemflash " + VERSION + " (commit " + Version.commit() + ")", version.strip());
        String help = run(tmp, 60, root.resolve("usr/bin/modemflash").toString(), "update", "--help");
        assertTrue(help.contains("--dry-run"), help);
    }

    /** modemflash.1 and one page per subcommand, nested ones included (modemflash-firehose-program). */
    static List<String> manPages() {
        List<String> pages = new ArrayList<>();
        collect("modemflash", Main.commandLine(), pages);
        return pages;
    }

    private static void collect(String name, picocli.CommandLine cmd, List<String> into) {
        into.add(name);
        cmd.getSubcommands().forEach((sub, c) -> {
            if (sub.equals(c.getCommandName())) { // aliases have no page of their own
                collect(name + "-" + sub, c, into);
            }
        });
    }

    /** The troff title line asciidoctor writes (hyphens escaped as troff wants them). */
    static String titleLine(String page) {
        return ".TH \"" + page.toUpperCase().replace("-", "\\-") + "\" \"1\"";
    }

    private static boolean hasJar(Path dir, String prefix) throws IOException {
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        }
    }

    private static String gunzip(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Runs a command in cwd; its stdout, stderr folded in; fails on a non-zero exit. */
    String run(Path cwd, int timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("XDG_CACHE_HOME", cache.getParent().toString());
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException e) {
                // the process ended
            }
        });
        pump.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
        }
        pump.join();
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + text);
        return text;
    }
}
