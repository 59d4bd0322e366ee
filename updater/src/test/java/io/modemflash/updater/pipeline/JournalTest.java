package io.modemflash.updater.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class JournalTest {
    @TempDir
    Path dir;

    @Test
    void recordsStageAndImagesAndReadsThemBackForTheSamePackageOnly() throws Exception {
        Journal j = Journal.of(dir, "2-1.4", "1-1.4", "aa11");
        assertNull(j.previous());
        j.stage(Stage.DOWNLOAD);
        j.imageDone("a.cwe");
        j.imageDone("a.cwe");
        j.imageDone("b.nvu");
        Journal.State s = Journal.of(dir, "2-1.4", "1-1.4", "aa11").previous();
        assertEquals(new Journal.State("2-1.4", "1-1.4", "aa11", Stage.DOWNLOAD, List.of("a.cwe", "b.nvu")), s);
        assertNull(Journal.of(dir, "2-1.4", null, "bb22").previous(), "another package starts over");
        assertNull(Journal.of(dir, "2-1.3", null, "aa11").previous(), "another port has its own journal");
        j.delete();
        assertNull(Journal.of(dir, "2-1.4", null, "aa11").previous());
    }

    @Test
    void aModemBackOnItsPeerPortFindsItsJournalWhichThenMovesThere() throws Exception {
        Journal usb3 = Journal.of(dir, "2-1", "1-1", "aa11");
        usb3.stage(Stage.DOWNLOAD);
        usb3.imageDone("a.cwe");
        // back as a USB2 device: the port is the old one's peer
        Journal usb2 = Journal.of(dir, "1-1", "2-1", "aa11");
        Journal.State s = usb2.previous();
        assertNotNull(s, "the journal under the peer port");
        assertEquals(List.of("a.cwe"), s.imagesDone());
        assertEquals("2-1", s.port());
        assertNull(Journal.of(dir, "1-1", "2-1", "bb22").previous(), "another package starts over");
        assertNull(Journal.of(dir, "1-1", null, "aa11").previous(), "no peer known: only its own port");

        usb2.adopt(s);
        usb2.imageDone("b.nvu");
        assertFalse(Files.exists(dir.resolve("2-1.json")), "moved to the port it is on now");
        assertEquals(List.of("a.cwe", "b.nvu"), Journal.of(dir, "1-1", null, "aa11").previous().imagesDone());
        assertEquals(List.of("a.cwe", "b.nvu"), Journal.of(dir, "2-1", "1-1", "aa11").previous().imagesDone(),
                "and is found from the first port again");
        usb2.delete();
        assertNull(Journal.of(dir, "2-1", "1-1", "aa11").previous());
    }

    @Test
    void aTornFileIsIgnoredAndNoDirectoryRecordsNothing() throws Exception {
        Files.writeString(dir.resolve("2-1.json"), "{\"port\":\"2-1\",\"package_sha256\":\"aa");
        assertNull(Journal.of(dir, "2-1", null, "aa").previous());
        Journal none = Journal.of(null, "2-1", null, "aa");
        none.stage(Stage.VERIFY);
        none.imageDone("x");
        assertNull(none.previous());
        assertEquals(List.of("x"), none.imagesDone());
    }
}
