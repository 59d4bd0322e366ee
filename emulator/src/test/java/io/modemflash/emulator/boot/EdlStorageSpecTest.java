package io.modemflash.emulator.boot;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class EdlStorageSpecTest {
    @Test
    void namedStorageKeepsItsGeometry() {
        assertEquals(DownloadMode.EDL_UFS, DownloadMode.edlStorage("ufs"));
        assertEquals(DownloadMode.EMMC, DownloadMode.edlStorage("EMMC"));
    }

    @Test
    void aSectorCountSizesLunZeroOnly() {
        BlockStorage.Geometry g = DownloadMode.edlStorage("ufs:16384");
        assertEquals("ufs", g.memoryName());
        assertEquals(4096, g.sectorSize());
        assertEquals(List.of(16384L, 2048L, 2048L), g.sectorsPerLun());
    }

    @Test
    void badSpecsSayWhat() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DownloadMode.edlStorage("nvme"))
                .getMessage().contains("known: ufs, emmc"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DownloadMode.edlStorage("ufs:0"))
                .getMessage().contains("positive"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DownloadMode.edlStorage("ufs:x"))
                .getMessage().contains("positive"));
    }
}
