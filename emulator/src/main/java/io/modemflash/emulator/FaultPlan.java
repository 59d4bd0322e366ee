package io.modemflash.emulator;

import io.modemflash.qmi.QmiMessageNames;
import io.modemflash.qmi.QmiProtocolError;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Faults to inject, parsed from {@code --fault SPEC} (repeatable, or comma-separated):
 * <ul>
 * <li>{@code qmi-error:<message>:<ErrorName>}: answer that message with the error, e.g.
 * {@code qmi-error:dms-get-revision:Internal}</li>
 * <li>{@code qmi-drop:<message>[:<times>]}: never answer that message, or only its first
 * {@code times} requests</li>
 * <li>{@code qmi-garbage}: put non-QMUX bytes before every response</li>
 * <li>{@code qmi-wrong-service:<message>}: send that message's response on another service
 * (WDS, or NAS for a WDS message), same client id and transaction id</li>
 * <li>{@code qmi-overflow:<message>}: the response's last TLV claims 16 bytes more than the
 * message holds (the frame itself stays well-formed)</li>
 * <li>{@code qmi-truncate:<message>}: only the first half of the response frame is sent; the
 * next answers come normally</li>
 * </ul>
 * Boot side (download mode), see {@link io.modemflash.emulator.boot.BootFaults}:
 * <ul>
 * <li>{@code disconnect:<stage>} or {@code disconnect:download:<bytes>}: drop off the bus
 * when the stage starts, or once that many image bytes arrived (once; the modem then
 * re-enumerates in download mode, so running the download again completes)</li>
 * <li>{@code nak:<firehose command>}: NAK that command, e.g. {@code nak:program}</li>
 * <li>{@code stall:<stage>}: stop answering at that stage</li>
 * <li>{@code corrupt-crc}: the first Sierra QDL write response carries a bad CRC</li>
 * <li>{@code eat-hello}: the first Sahara HELLO is never sent (a 1-byte write provokes one)</li>
 * <li>{@code reject-programmer}: Sahara refuses the programmer with status 0x21</li>
 * <li>{@code reboot-old}: after the download the modem boots (and reports) the old firmware</li>
 * <li>{@code wrong-version}: after the download the modem reports a version it was not given</li>
 * <li>{@code crash-dump}: instead of its download mode the modem crashes into Sahara memory
 * debug (05c6:900e); after the host's RESET it boots the old firmware</li>
 * <li>{@code strict-echo}: bytes a host's tty echoed back before the handshake (Sahara HELLO_RESP,
 * QDL open) are answered with an error (END_OF_IMAGE_TX 0x01, QDL error 0x17) instead of being
 * logged and ignored</li>
 * <li>{@code unplug:download:<bytes>[:<seconds>]}: once that many image bytes arrived the device is
 * unplugged, and plugged back after the seconds (default 2) in download mode (once)</li>
 * <li>{@code corrupt-sector[:<label>|<n>]}: once, the storage keeps one sector of a Firehose program
 * other than it was sent (a byte flipped in the middle sector of the range) and the programmer still
 * ACKs it; which program: the one with that label, the n-th of the session (1-based), default the
 * first</li>
 * </ul>
 * Stages: {@code hello}, {@code programmer}, {@code download}, {@code reset}, any Firehose
 * command ({@code configure}, {@code program}, {@code erase}, {@code patch}, ...), and the
 * Sierra QDL steps {@code open}, {@code write}, {@code close}.
 * A message is named as libqmi/modemflash name it, any case, separators optional, with or
 * without the service: {@code dms-get-revision}, {@code "DMS Get Revision"}, {@code get-revision}.
 * New fault kinds (boot side) add a record to {@link Fault} and a case to {@link #parseOne}.
 */
public record FaultPlan(List<Fault> faults) {

    public static final FaultPlan NONE = new FaultPlan(List.of());

    public FaultPlan {
        faults = List.copyOf(faults);
    }

    public sealed interface Fault {
    }

    public record QmiError(String message, QmiProtocolError error) implements Fault {
    }

    /** times -1: every request of that message; otherwise only the first {@code times}. */
    public record QmiDrop(String message, int times) implements Fault {
        public QmiDrop(String message) {
            this(message, -1);
        }
    }

    public record QmiGarbage() implements Fault {
    }

    /** A malformed answer to one message; {@link #kind} says how it is spoiled. */
    public record QmiMalformed(String message, Malformation kind) implements Fault {
    }

    public enum Malformation { WRONG_SERVICE, OVERFLOW, TRUNCATE }

    /** bytes -1: at the start of the stage; otherwise once that many image bytes arrived. */
    public record Disconnect(String stage, long bytes) implements Fault {
    }

    public record Nak(String command) implements Fault {
    }

    public record Stall(String stage) implements Fault {
    }

    public record CorruptCrc() implements Fault {
    }

    public record EatHello() implements Fault {
    }

    public record RejectProgrammer() implements Fault {
    }

    public record RebootOld() implements Fault {
    }

    public record WrongVersion() implements Fault {
    }

    public record CrashDump() implements Fault {
    }

    /** Unplugged once that many image bytes arrived, plugged back in download mode after seconds. */
    public record Unplug(long bytes, long seconds) implements Fault {
        public static final long DEFAULT_SECONDS = 2;
    }

    /**
     * One sector of a program stored wrongly (once): {@code label} names the program's label, or
     * {@code number} counts the session's programs from 1 (label null).
     */
    public record CorruptSector(String label, int number) implements Fault {
        public boolean targets(int programNumber, String programLabel) {
            return label == null ? programNumber == number : label.equalsIgnoreCase(programLabel);
        }
    }

    /** A strict boot ROM: answers bytes a tty echoed back before the handshake with an error. */
    public record StrictEcho() implements Fault {
    }

    /** Stages a boot-side fault may name. */
    public static final List<String> STAGES = List.of("hello", "programmer", "download", "reset", "open", "write",
            "close", "nop", "configure", "getstorageinfo", "program", "erase", "read", "patch", "getsha256digest",
            "setbootablestoragedrive", "power", "firehose");

    public static FaultPlan parse(List<String> specs) {
        List<Fault> out = new ArrayList<>();
        for (String spec : specs) {
            for (String one : spec.split(",")) {
                if (!one.isBlank()) {
                    out.add(parseOne(one.trim()));
                }
            }
        }
        return new FaultPlan(out);
    }

    public static FaultPlan parse(String... specs) {
        return parse(List.of(specs));
    }

    static Fault parseOne(String spec) {
        String[] p = spec.split(":", -1);
        switch (p[0].toLowerCase(Locale.ROOT)) {
            case "qmi-error" -> {
                if (p.length != 3 || p[1].isBlank() || p[2].isBlank()) {
                    throw new IllegalArgumentException("bad fault '" + spec + "': expected qmi-error:<message>:<ErrorName>");
                }
                return new QmiError(normalize(p[1]), parseError(p[2], spec));
            }
            case "qmi-drop" -> {
                if (p.length == 3 && !p[1].isBlank() && p[2].matches("[1-9][0-9]{0,8}")) {
                    return new QmiDrop(normalize(p[1]), Integer.parseInt(p[2]));
                }
                if (p.length != 2 || p[1].isBlank()) {
                    throw new IllegalArgumentException("bad fault '" + spec + "': expected qmi-drop:<message>[:<times>]");
                }
                return new QmiDrop(normalize(p[1]));
            }
            case "qmi-garbage" -> {
                if (p.length != 1) {
                    throw new IllegalArgumentException("bad fault '" + spec + "': qmi-garbage takes no argument");
                }
                return new QmiGarbage();
            }
            case "qmi-wrong-service", "qmi-overflow", "qmi-truncate" -> {
                if (p.length != 2 || p[1].isBlank()) {
                    throw new IllegalArgumentException("bad fault '" + spec + "': expected " + p[0] + ":<message>");
                }
                String kind = p[0].toUpperCase(Locale.ROOT).substring("QMI-".length()).replace('-', '_');
                return new QmiMalformed(normalize(p[1]), Malformation.valueOf(kind));
            }
            case "disconnect" -> {
                if (p.length == 3 && p[1].equalsIgnoreCase("download")) {
                    try {
                        long n = Long.parseLong(p[2]);
                        if (n >= 0) {
                            return new Disconnect("download", n);
                        }
                    } catch (NumberFormatException ignored) {
                        // reported below
                    }
                    throw new IllegalArgumentException("bad fault '" + spec + "': expected disconnect:download:<bytes>");
                }
                if (p.length != 2) {
                    throw new IllegalArgumentException("bad fault '" + spec
                            + "': expected disconnect:<stage> or disconnect:download:<bytes>");
                }
                return new Disconnect(stage(p[1], spec), -1);
            }
            case "nak" -> {
                if (p.length != 2 || p[1].isBlank()) {
                    throw new IllegalArgumentException("bad fault '" + spec + "': expected nak:<firehose command>");
                }
                return new Nak(p[1].toLowerCase(Locale.ROOT));
            }
            case "stall" -> {
                if (p.length != 2) {
                    throw new IllegalArgumentException("bad fault '" + spec + "': expected stall:<stage>");
                }
                return new Stall(stage(p[1], spec));
            }
            case "corrupt-crc" -> {
                return noArgument(p, spec, new CorruptCrc());
            }
            case "eat-hello" -> {
                return noArgument(p, spec, new EatHello());
            }
            case "reject-programmer" -> {
                return noArgument(p, spec, new RejectProgrammer());
            }
            case "reboot-old" -> {
                return noArgument(p, spec, new RebootOld());
            }
            case "wrong-version" -> {
                return noArgument(p, spec, new WrongVersion());
            }
            case "crash-dump" -> {
                return noArgument(p, spec, new CrashDump());
            }
            case "unplug" -> {
                if ((p.length == 3 || p.length == 4) && p[1].equalsIgnoreCase("download") && p[2].matches("[0-9]{1,18}")
                        && (p.length == 3 || p[3].matches("[0-9]{1,6}"))) {
                    return new Unplug(Long.parseLong(p[2]), p.length == 4 ? Long.parseLong(p[3]) : Unplug.DEFAULT_SECONDS);
                }
                throw new IllegalArgumentException("bad fault '" + spec + "': expected unplug:download:<bytes>[:<seconds>]");
            }
            case "strict-echo" -> {
                return noArgument(p, spec, new StrictEcho());
            }
            case "corrupt-sector" -> {
                if (p.length == 1) {
                    return new CorruptSector(null, 1);
                }
                if (p.length != 2 || p[1].isBlank() || p[1].matches("0+")) {
                    throw new IllegalArgumentException("bad fault '" + spec + "': expected corrupt-sector[:<label>|<n>]");
                }
                return p[1].matches("[0-9]{1,9}") ? new CorruptSector(null, Integer.parseInt(p[1]))
                        : new CorruptSector(p[1], 0);
            }
            default -> throw new IllegalArgumentException("unknown fault '" + spec
                    + "'; known: qmi-error:<message>:<ErrorName>, qmi-drop:<message>[:<times>], qmi-garbage,"
                    + " qmi-wrong-service:<message>, qmi-overflow:<message>, qmi-truncate:<message>, disconnect:<stage>,"
                    + " disconnect:download:<bytes>, nak:<command>, stall:<stage>, corrupt-crc, eat-hello,"
                    + " reject-programmer, reboot-old, wrong-version, crash-dump, strict-echo,"
                    + " unplug:download:<bytes>[:<seconds>], corrupt-sector[:<label>|<n>]");
        }
    }

    private static Fault noArgument(String[] p, String spec, Fault f) {
        if (p.length != 1) {
            throw new IllegalArgumentException("bad fault '" + spec + "': " + p[0] + " takes no argument");
        }
        return f;
    }

    private static String stage(String s, String spec) {
        String st = s.toLowerCase(Locale.ROOT);
        if (!STAGES.contains(st)) {
            throw new IllegalArgumentException("bad fault '" + spec + "': unknown stage '" + s + "'; known: "
                    + String.join(", ", STAGES));
        }
        return st;
    }

    /** True when the plan holds a fault of that kind. */
    public boolean has(Class<? extends Fault> kind) {
        return faults.stream().anyMatch(kind::isInstance);
    }

    private static QmiProtocolError parseError(String name, String spec) {
        String want = normalize(name);
        for (QmiProtocolError e : QmiProtocolError.values()) {
            if (normalize(e.name()).equals(want)) {
                return e;
            }
        }
        if (want.startsWith("0x")) {
            try {
                Optional<QmiProtocolError> e = QmiProtocolError.fromCode(Integer.parseInt(want.substring(2), 16));
                if (e.isPresent()) {
                    return e.get();
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("bad fault '" + spec + "': unknown QMI error '" + name
                + "' (use libqmi's names, e.g. Internal, MissingArgument, InvalidQmiCommand)");
    }

    /** Lower case, letters and digits only: "DMS Get Revision" and "dms-get-revision" are equal. */
    static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** True when the fault's message name designates this message. */
    public static boolean matches(String wanted, int service, int messageId) {
        String full = normalize(QmiMessageNames.messageName(service, messageId));
        String bare = QmiMessageNames.name(service, messageId).map(FaultPlan::normalize).orElse(null);
        return wanted.equals(full) || wanted.equals(bare);
    }

    public Optional<QmiProtocolError> errorFor(int service, int messageId) {
        for (Fault f : faults) {
            if (f instanceof QmiError e && matches(e.message(), service, messageId)) {
                return Optional.of(e.error());
            }
        }
        return Optional.empty();
    }

    public boolean drops(int service, int messageId) {
        for (Fault f : faults) {
            if (f instanceof QmiDrop d && matches(d.message(), service, messageId)) {
                return true;
            }
        }
        return false;
    }

    /** How many requests of this message go unanswered: -1 all, empty none. */
    public java.util.OptionalInt dropLimit(int service, int messageId) {
        for (Fault f : faults) {
            if (f instanceof QmiDrop d && matches(d.message(), service, messageId)) {
                return java.util.OptionalInt.of(d.times());
            }
        }
        return java.util.OptionalInt.empty();
    }

    /** How the response to this message is to be spoiled, if at all. */
    public Optional<Malformation> malformationFor(int service, int messageId) {
        for (Fault f : faults) {
            if (f instanceof QmiMalformed m && matches(m.message(), service, messageId)) {
                return Optional.of(m.kind());
            }
        }
        return Optional.empty();
    }

    public boolean garbage() {
        return faults.stream().anyMatch(f -> f instanceof QmiGarbage);
    }

    /** Every QMI message name in the plan; the engine checks that it knows them all. */
    public List<String> qmiMessageNames() {
        List<String> out = new ArrayList<>();
        for (Fault f : faults) {
            if (f instanceof QmiError e) {
                out.add(e.message());
            } else if (f instanceof QmiDrop d) {
                out.add(d.message());
            } else if (f instanceof QmiMalformed m) {
                out.add(m.message());
            }
        }
        return out;
    }
}
