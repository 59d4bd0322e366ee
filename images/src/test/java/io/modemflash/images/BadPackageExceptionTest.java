package io.modemflash.images;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class BadPackageExceptionTest {

    /** Found by bench/fuzz.sh (archive target): a tar member named with a newline split the message. */
    @Test
    void aMemberNameWithControlCharactersStaysOnePrintableLine() {
        BadPackageException e = new BadPackageException(BadPackageException.Reason.TRUNCATED,
                "p.tar!a\nb\u001b[31m\t.cwe", "corrupt or cut data in this member");
        assertEquals("p.tar!a\\nb\\x1b[31m\\t.cwe: corrupt or cut data in this member", e.getMessage());
        assertEquals("p.tar!a\nb\u001b[31m\t.cwe", e.where(), "where() keeps the name as it is (JSON escapes it)");
    }

    @Test
    void printableMessagesAreLeftAsTheyAre() {
        BadPackageException e = new BadPackageException(BadPackageException.Reason.CRC_MISMATCH, "edl.zip!lun0.img",
                "CRC-32 is 1234ABCD, the archive says 00000000 (ünïcode stays)");
        assertEquals("edl.zip!lun0.img: CRC-32 is 1234ABCD, the archive says 00000000 (ünïcode stays)", e.getMessage());
    }
}
