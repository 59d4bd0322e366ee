package io.modemflash.updater.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modemflash.updater.api.Output;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A small per-port record of an update in progress (DIR/PORT.json): USB port, package
 * fingerprint, the stage reached and the images already written, so that running the same
 * command after a kill continues instead of starting over. Written atomically; removed when
 * the update succeeds. A modem may come back on the USB2/USB3 peer of its port (PROTOCOLS.md 2),
 * so a journal missing under the port is looked for under the peer, and moves to the port
 * with the next write. The journal also keeps the device's names (its cdc-wdm and tty nodes):
 * in download mode those nodes are gone, and a rerun naming one finds the port here
 * ({@link #portNamed}).
 */
public final class Journal {
    /** What a previous run left. */
    public record State(String port, String peerPort, String packageSha256, Stage stage, List<String> imagesDone,
                        List<String> names) {
        public State {
            imagesDone = List.copyOf(imagesDone);
            names = List.copyOf(names);
        }

        public State(String port, String peerPort, String packageSha256, Stage stage, List<String> imagesDone) {
            this(port, peerPort, packageSha256, stage, imagesDone, List.of());
        }
    }

    private final Path file;
    private final Path peerFile;
    private final String port;
    private final String peerPort;
    private final String packageSha256;
    private final List<String> imagesDone = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private Stage stage = Stage.PROBE;

    private Journal(Path dir, String port, String peerPort, String packageSha256) {
        this.file = dir == null ? null : dir.resolve(port + ".json");
        this.peerFile = dir == null || peerPort == null ? null : dir.resolve(peerPort + ".json");
        this.port = port;
        this.peerPort = peerPort;
        this.packageSha256 = packageSha256;
    }

    /** The journal of a port in dir (null dir: a journal that records nothing). */
    public static Journal of(Path dir, String port, String peerPort, String packageSha256) {
        return new Journal(dir, port, peerPort, packageSha256);
    }

    /** The names (/dev nodes) the device had when the update started. */
    public synchronized Journal withNames(List<String> deviceNames) {
        deviceNames.stream().filter(x -> !names.contains(x)).forEach(names::add);
        return this;
    }

    /**
     * The USB port of an update in progress whose device had {@code name} (a /dev node that
     * vanished when the modem went to download mode), or null.
     */
    public static String portNamed(Path dir, String name) {
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        String wanted = Path.of(name).toAbsolutePath().normalize().toString();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                try {
                    JsonNode n = Output.mapper().readTree(f.toFile());
                    for (JsonNode v : n.path("names")) {
                        if (v.asText().equals(wanted)) {
                            return n.path("port").asText(null);
                        }
                    }
                } catch (IOException e) {
                    // a torn or foreign file
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** The default state directory: $XDG_STATE_HOME/modemflash or ~/.local/state/modemflash. */
    public static Path defaultDir() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local",
                "state");
        return base.resolve("modemflash");
    }

    /** What a previous run of this package on this port (or its peer) left, or null (none, other package, unreadable). */
    public State previous() {
        State s = read(file);
        return s != null ? s : read(peerFile);
    }

    private State read(Path f) {
        if (f == null || !Files.isRegularFile(f)) {
            return null;
        }
        try {
            JsonNode n = Output.mapper().readTree(f.toFile());
            if (!packageSha256.equals(n.path("package_sha256").asText())) {
                return null;
            }
            List<String> done = new ArrayList<>();
            n.path("images_done").forEach(i -> done.add(i.asText()));
            List<String> known = new ArrayList<>();
            n.path("names").forEach(i -> known.add(i.asText()));
            return new State(n.path("port").asText(), n.path("peer_port").asText(null), packageSha256,
                    Stage.byLabel(n.path("stage").asText()), done, known);
        } catch (IOException | IllegalArgumentException e) {
            return null; // a torn or foreign file: start over
        }
    }

    /** Continue from a previous state: its images stay done. */
    public synchronized void adopt(State s) {
        imagesDone.clear();
        imagesDone.addAll(s.imagesDone());
        s.names().stream().filter(x -> !names.contains(x)).forEach(names::add); // the names it had before, too
    }

    public synchronized List<String> imagesDone() {
        return List.copyOf(imagesDone);
    }

    public synchronized void stage(Stage s) throws IOException {
        stage = s;
        save();
    }

    public synchronized void imageDone(String name) throws IOException {
        if (!imagesDone.contains(name)) {
            imagesDone.add(name);
        }
        save();
    }

    /** Removes the journal, under the port and under the peer. */
    public synchronized void delete() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
        if (peerFile != null) {
            Files.deleteIfExists(peerFile);
        }
    }

    private void save() throws IOException {
        if (file == null) {
            return;
        }
        Files.createDirectories(file.getParent());
        ObjectNode n = Output.mapper().createObjectNode();
        n.put("port", port);
        if (peerPort != null) {
            n.put("peer_port", peerPort);
        }
        n.put("package_sha256", packageSha256);
        n.put("stage", stage.label());
        n.putArray("names").addAll(names.stream().map(n::textNode).toList());
        n.putArray("images_done").addAll(imagesDone.stream().map(n::textNode).toList());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, n.toString() + "\n");
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        if (peerFile != null) {
            Files.deleteIfExists(peerFile); // one connector holds one modem: the journal now lives under this port
        }
    }
}
