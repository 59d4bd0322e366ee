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
 * <li>{@code qmi-drop:<message>}: never answer that message</li>
 * <li>{@code qmi-garbage}: put non-QMUX bytes before every response</li>
 * </ul>
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

    public record QmiDrop(String message) implements Fault {
    }

    public record QmiGarbage() implements Fault {
    }

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
                if (p.length != 2 || p[1].isBlank()) {
                    throw new IllegalArgumentException("bad fault '" + spec + "': expected qmi-drop:<message>");
                }
                return new QmiDrop(normalize(p[1]));
            }
            case "qmi-garbage" -> {
                if (p.length != 1) {
                    throw new IllegalArgumentException("bad fault '" + spec + "': qmi-garbage takes no argument");
                }
                return new QmiGarbage();
            }
            default -> throw new IllegalArgumentException("unknown fault '" + spec
                    + "'; known: qmi-error:<message>:<ErrorName>, qmi-drop:<message>, qmi-garbage");
        }
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
            }
        }
        return out;
    }
}
