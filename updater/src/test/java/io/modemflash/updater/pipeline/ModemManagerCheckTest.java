package io.modemflash.updater.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ModemManagerCheckTest {
    @Test
    void asksTheBusNeverModemManagerItself() {
        // a call addressed to org.freedesktop.ModemManager1 (Peer.Ping) D-Bus-activates it on
        // Debian: the check would start the very process that breaks the download
        for (List<String> q : ModemManagerCheck.QUERIES) {
            String cmd = String.join(" ", q);
            assertTrue(cmd.contains("NameHasOwner"), cmd);
            assertTrue(q.contains("org.freedesktop.DBus") || q.contains("--dest=org.freedesktop.DBus"), cmd);
            assertFalse(q.stream().anyMatch(a -> a.equals("--dest=org.freedesktop.ModemManager1")
                    || a.equals("org.freedesktop.ModemManager1") && q.indexOf(a) == q.indexOf("call") + 1), cmd);
        }
    }

    @Test
    void readsTheAnswerOfEitherTool() {
        assertEquals(Boolean.TRUE, ModemManagerCheck.hasOwner("b true\n"));
        assertEquals(Boolean.FALSE, ModemManagerCheck.hasOwner("b false\n"));
        assertEquals(Boolean.TRUE, ModemManagerCheck.hasOwner(
                "method return time=1.0 sender=org.freedesktop.DBus -> destination=:1.5 serial=3 reply_serial=2\n"
                        + "   boolean true\n"));
        assertEquals(Boolean.FALSE, ModemManagerCheck.hasOwner("method return ...\n   boolean false\n"));
        assertNull(ModemManagerCheck.hasOwner("Failed to connect to bus: No such file or directory"));
    }
}
