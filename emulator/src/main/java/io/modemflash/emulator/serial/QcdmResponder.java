package io.modemflash.emulator.serial;

import io.modemflash.emulator.Profile;
import io.modemflash.qdl.hdlc.Hdlc;
import io.modemflash.qdl.hdlc.HdlcException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DM (DIAG) port: QCDM commands in HDLC frames (CRC-16/X-25, PROTOCOLS.md 3; the qdl
 * module's codec). Answers version info (0x00) and software version (0x38) from the running
 * firmware; on a part that can, the "go to EDL" subsystem command {@code 4B 65 01 00} is
 * echoed and the modem drops off the bus into EDL. Every other command gets the "bad command"
 * answer 0x13 followed by the request (which is what a download tool sees when it speaks
 * Sierra QDL to a DM port: {@code 13 70 00 00}). Frames with a bad CRC are dropped, as DIAG
 * does. Answers carry only the closing flag, as DIAG sends them.
 */
public final class QcdmResponder implements SerialResponder {
    public static final int VERSION_INFO = 0x00;
    public static final int BAD_COMMAND = 0x13;
    public static final int SW_VERSION = 0x38;
    public static final int SUBSYS = 0x4b;
    /** Subsystem command 0x65/0x0001: reboot into the emergency download (EDL) PBL. */
    static final byte[] GO_TO_EDL = {0x4b, 0x65, 0x01, 0x00};
    private static final Pattern BUILD_DATE = Pattern.compile("(\\d{4})/(\\d{2})/(\\d{2}) (\\d{2}:\\d{2}:\\d{2})");
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};

    private final Profile profile;
    private final Supplier<String> revision;
    private final Runnable goToEdl;
    private final Hdlc.Deframer deframer = new Hdlc.Deframer(4096);

    /** @param goToEdl reboots into EDL; null on parts whose DIAG does not offer it */
    public QcdmResponder(Profile profile, Supplier<String> revision, Runnable goToEdl) {
        this.profile = profile;
        this.revision = revision;
        this.goToEdl = goToEdl;
    }

    @Override
    public Answer received(byte[] data, int off, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Runnable then = null;
        java.util.List<byte[]> frames;
        try {
            frames = deframer.feed(data, off, len);
        } catch (HdlcException e) {
            return Answer.NONE; // a runaway frame without a flag: dropped
        }
        for (byte[] raw : frames) {
            byte[] request;
            try {
                request = Hdlc.unframe(raw);
            } catch (HdlcException e) {
                continue;
            }
            if (request.length == 0) {
                continue;
            }
            if (goToEdl != null && Arrays.equals(request, GO_TO_EDL)) {
                out.writeBytes(frame(request));
                then = goToEdl;
                continue;
            }
            out.writeBytes(frame(answer(request)));
        }
        return new Answer(out.toByteArray(), then);
    }

    private byte[] answer(byte[] request) {
        int cmd = request[0] & 0xff;
        if (cmd == VERSION_INFO && request.length == 1) {
            return versionInfo();
        }
        if (cmd == SW_VERSION && request.length == 1) {
            return swVersion();
        }
        byte[] bad = new byte[request.length + 1];
        bad[0] = BAD_COMMAND;
        System.arraycopy(request, 0, bad, 1, request.length);
        return bad;
    }

    /** DIAG version info: code, compile date[11]/time[8], release date[11]/time[8], model[8], then ids. */
    private byte[] versionInfo() {
        String[] dt = buildDateTime();
        ByteBuffer b = ByteBuffer.allocate(55).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) VERSION_INFO);
        b.put(text(dt[0], 11)).put(text(dt[1], 8)).put(text(dt[0], 11)).put(text(dt[1], 8));
        b.put(text(profile.identity().model(), 8));
        b.put((byte) 0x11).put((byte) 0x06).put((byte) 0xff).putShort((short) 0x0100).put((byte) 0x02)
                .put((byte) 0x00).put((byte) 0x00);
        return b.array();
    }

    /** DIAG software version: code, version[31], compile date[11], 2 bytes, compile time[8], 2 bytes. */
    private byte[] swVersion() {
        String[] dt = buildDateTime();
        ByteBuffer b = ByteBuffer.allocate(55);
        b.put((byte) SW_VERSION).put(text(revision.get(), 31)).put(text(dt[0], 11)).put(new byte[2])
                .put(text(dt[1], 8)).put(new byte[2]);
        return b.array();
    }

    /** "Aug 28 2019", "20:59:30" from a revision that ends in its build date (Sierra), else fixed. */
    private String[] buildDateTime() {
        Matcher m = BUILD_DATE.matcher(revision.get());
        if (m.find()) {
            int month = Integer.parseInt(m.group(2));
            if (month >= 1 && month <= 12) {
                return new String[] {MONTHS[month - 1] + " " + m.group(3) + " " + m.group(1), m.group(4)};
            }
        }
        return new String[] {"Jan 01 2020", "00:00:00"};
    }

    private static byte[] text(String s, int n) {
        byte[] out = new byte[n];
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, out, 0, Math.min(n, b.length));
        return out;
    }

    /** HDLC without the opening flag, as DIAG answers. */
    static byte[] frame(byte[] payload) {
        byte[] f = Hdlc.frame(payload);
        return Arrays.copyOfRange(f, 1, f.length);
    }
}
