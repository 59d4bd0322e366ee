package io.modemflash.qdl.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code <getstorageinfo>} logged: a JSON {@code {"storage_info":{...}}} line or
 * key=value lines (Sierra: {@code sector_size_in_bytes=N}, {@code pages_in_block=N}).
 * Keys are normalised to lower case with underscores.
 */
public record StorageInfo(Map<String, String> values) {
    public static final int DEFAULT_SECTOR_SIZE = 4096;
    public static final int DEFAULT_PAGES_PER_BLOCK = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static StorageInfo parse(List<String> logs) {
        Map<String, String> v = new TreeMap<>();
        for (String log : logs) {
            String t = log.strip();
            int brace = t.indexOf('{');
            if (brace >= 0 && t.endsWith("}")) {
                try {
                    JsonNode root = JSON.readTree(t.substring(brace));
                    JsonNode info = root.has("storage_info") ? root.get("storage_info") : root;
                    for (Iterator<Map.Entry<String, JsonNode>> it = info.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        if (e.getValue().isValueNode()) {
                            v.put(key(e.getKey()), e.getValue().asText());
                        }
                    }
                    continue;
                } catch (Exception e) {
                    // not JSON after all: try key=value below
                }
            }
            int eq = t.indexOf('=');
            if (eq > 0) {
                String k = t.substring(0, eq).strip();
                if (k.matches("[A-Za-z][A-Za-z0-9_ ]*")) {
                    v.put(key(k), t.substring(eq + 1).strip());
                }
            }
        }
        return new StorageInfo(Map.copyOf(v));
    }

    private static String key(String k) {
        return k.strip().toLowerCase(Locale.ROOT).replace(' ', '_');
    }

    public Long number(String key) {
        String s = values.get(key);
        if (s == null) {
            return null;
        }
        try {
            return s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Sector size: sector_size_in_bytes, else block_size, else 4096. */
    public int sectorSize() {
        Long n = number("sector_size_in_bytes");
        if (n == null) {
            n = number("block_size");
        }
        return n == null || n <= 0 || n > (1 << 20) ? DEFAULT_SECTOR_SIZE : n.intValue();
    }

    /** Pages per erase block: pages_in_block, else 64 (EM9191 reports neither). */
    public int pagesPerBlock() {
        Long n = number("pages_in_block");
        return n == null || n <= 0 || n > 65536 ? DEFAULT_PAGES_PER_BLOCK : n.intValue();
    }

    public Long totalBlocks() {
        return number("total_blocks");
    }

    public String memoryType() {
        return values.get("mem_type");
    }
}
