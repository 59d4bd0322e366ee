package io.modemflash.updater.dist;

import io.modemflash.qdl.link.DownloadModeDevices;
import io.modemflash.updater.discovery.DeviceAccess;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The udev rule the packages ship (src/dist/udev) covers exactly the download-mode ids the
 * code knows, on the usbfs node (group plugdev, uaccess, ModemManager told to ignore it) and on
 * the boot tty (uaccess, ModemManager ignores it); and it is well formed as far as udev's
 * grammar goes: every line a comment, blank, or comma-separated KEY op "VALUE" pairs, every
 * GOTO with its LABEL.
 */
class DownloadModeUdevRulesTest {
    static final Path RULES = Path.of("src/dist/udev", DeviceAccess.UDEV_RULE);
    private static final Pattern PAIR = Pattern.compile(
            "\\s*([A-Z_]+(?:\\{[A-Za-z_0-9]+\\})?)\\s*(==|!=|\\+=|-=|:=|=)\\s*\"([^\"]*)\"\\s*(?:,|$)");

    @Test
    void everyKnownDownloadModeIdGetsAccessAndModemManagerIgnoresIt() throws Exception {
        String rules = Files.readString(RULES);
        Set<String> expected = new TreeSet<>();
        DownloadModeDevices.knownIds().forEach(k -> expected.add(String.format("%04x:%04x", k.vendorId(), k.productId())));
        assertTrue(expected.containsAll(List.of("05c6:9008", "05c6:900e", "1199:9070", "1199:9090")), expected.toString());

        Set<String> usbDevice = new TreeSet<>();
        Set<String> tty = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^ATTR(S?)\\{idVendor\\}==\"(\\w{4})\", ATTRS?\\{idProduct\\}==\"(\\w{4})\", (.*)$").matcher(rules);
        while (m.find()) {
            String id = m.group(2) + ":" + m.group(3);
            String actions = m.group(4);
            assertTrue(actions.contains("TAG+=\"uaccess\"") && actions.contains("ENV{ID_MM_DEVICE_IGNORE}=\"1\""), actions);
            if (m.group(1).isEmpty()) {
                assertTrue(actions.contains("MODE=\"0660\", GROUP=\"plugdev\""), actions);
                usbDevice.add(id);
            } else {
                tty.add(id);
            }
        }
        assertEquals(expected, usbDevice, "usb_device rules");
        assertEquals(expected, tty, "tty rules");
    }

    @Test
    void everyLineIsWellFormed() throws Exception {
        Set<String> gotos = new TreeSet<>();
        Set<String> labels = new TreeSet<>();
        for (String line : Files.readAllLines(RULES)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = PAIR.matcher(line);
            int at = 0;
            while (at < line.length() && m.find(at) && m.start() == at) {
                if (m.group(1).equals("GOTO")) {
                    gotos.add(m.group(3));
                } else if (m.group(1).equals("LABEL")) {
                    labels.add(m.group(3));
                }
                at = m.end();
            }
            assertEquals(line.length(), at, "not KEY op \"VALUE\", ...: " + line);
        }
        assertEquals(gotos, labels);
    }
}
