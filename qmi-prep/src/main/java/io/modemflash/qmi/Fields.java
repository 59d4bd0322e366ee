package io.modemflash.qmi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the ordered field maps of {@link QmiPayload#fields()}; null values (absent optional TLVs) are left out. */
public final class Fields {
    private final Map<String, Object> map = new LinkedHashMap<>();

    public static Fields create() {
        return new Fields();
    }

    public Fields put(String name, Object value) {
        if (value != null) {
            map.put(name, value);
        }
        return this;
    }

    public Map<String, Object> build() {
        return Collections.unmodifiableMap(map);
    }

    public static Map<String, Object> none() {
        return Map.of();
    }
}
