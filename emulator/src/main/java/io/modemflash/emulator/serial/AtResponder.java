package io.modemflash.emulator.serial;

import io.modemflash.emulator.Profile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The modem's AT command port: V.250 framing (commands end with CR, echo on by default,
 * verbose result codes {@code <CR><LF>text<CR><LF>}), the identification commands a tool asks
 * (ATI, AT+CGMR, AT+CGMI, AT+CGMM, AT+CGSN) and Sierra's {@code AT!BOOTHOLD}, which answers OK
 * and then drops the modem into boot-and-hold (PROTOCOLS.md 1.5). {@code AT!ENTERCND="..."}
 * (needed first on some OEM parts) is accepted. Anything else is ERROR.
 */
public final class AtResponder implements SerialResponder {
    static final int MAX_LINE = 512;

    private final Profile profile;
    private final Supplier<String> revision;
    private final Runnable bootHold;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean echo = true;

    /**
     * @param revision the firmware the modem runs now
     * @param bootHold enters boot-and-hold; null for parts without AT!BOOTHOLD (not Sierra)
     */
    public AtResponder(Profile profile, Supplier<String> revision, Runnable bootHold) {
        this.profile = profile;
        this.revision = revision;
        this.bootHold = bootHold;
    }

    @Override
    public Answer received(byte[] data, int off, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Runnable then = null;
        for (int i = off; i < off + len; i++) {
            int c = data[i] & 0xff;
            if (echo) {
                out.write(c);
            }
            if (c == '\r') {
                String cmd = line.toString(StandardCharsets.ISO_8859_1).trim();
                line.reset();
                if (cmd.isEmpty()) {
                    continue;
                }
                Result r = execute(cmd);
                out.writeBytes(r.text().getBytes(StandardCharsets.ISO_8859_1));
                if (r.then() != null) {
                    then = r.then();
                }
            } else if (c == '\n') {
                // LF after CR: nothing to do
            } else if (c == 0x08 || c == 0x7f) {
                if (line.size() > 0) {
                    byte[] b = line.toByteArray();
                    line.reset();
                    line.write(b, 0, b.length - 1);
                }
            } else if (line.size() < MAX_LINE) {
                line.write(c);
            }
        }
        return new Answer(out.toByteArray(), then);
    }

    private record Result(String text, Runnable then) {
    }

    private static String info(String... lines) {
        return "\r\n" + String.join("\r\n", lines) + "\r\n\r\nOK\r\n";
    }

    private static final String OK = "\r\nOK\r\n";
    private static final String ERROR = "\r\nERROR\r\n";

    private Result execute(String cmd) {
        String c = cmd.toUpperCase(Locale.ROOT);
        if (!c.startsWith("AT")) {
            return new Result(ERROR, null);
        }
        String rest = c.substring(2);
        Profile.Identity id = profile.identity();
        switch (rest) {
            case "", "Z", "&F", "V1", "Q0" -> {
                return new Result(OK, null);
            }
            case "E0", "E1", "E" -> {
                echo = !rest.equals("E0") && !rest.equals("E");
                return new Result(OK, null);
            }
            case "I", "I0" -> {
                return new Result(info("Manufacturer: " + id.manufacturer(), "Model: " + id.model(),
                        "Revision: " + revision.get(), "IMEI: " + id.imei(),
                        "IMEI SV: " + (id.imeiSv() == null ? "0" : id.imeiSv().replaceFirst("^0+(?=.)", "")),
                        "FSN: " + profile.usb().serial(), "+GCAP: +CGSM"), null);
            }
            case "+CGMR", "+GMR" -> {
                return new Result(info(revision.get()), null);
            }
            case "+CGMI", "+GMI" -> {
                return new Result(info(id.manufacturer()), null);
            }
            case "+CGMM", "+GMM" -> {
                return new Result(info(id.model()), null);
            }
            case "+CGSN", "+GSN" -> {
                return new Result(info(id.imei()), null);
            }
            case "!BOOTHOLD" -> {
                return bootHold == null ? new Result(ERROR, null) : new Result(OK, bootHold);
            }
            default -> {
                if (rest.startsWith("!ENTERCND=") && bootHold != null) {
                    return new Result(OK, null);
                }
                return new Result(ERROR, null);
            }
        }
    }
}
