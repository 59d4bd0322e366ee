package io.modemflash.qdl.firehose;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One element of a Firehose document: tag in lower case, attributes looked up case-
 * insensitively (programmers mix {@code MaxPayloadSizeToTargetInBytes} and lower case).
 */
public record FirehoseElement(String tag, Map<String, String> attributes) {

    public FirehoseElement {
        TreeMap<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        m.putAll(attributes);
        attributes = Collections.unmodifiableMap(m);
    }

    public String attr(String name) {
        return attributes.get(name);
    }

    public boolean isLog() {
        return tag.equals("log");
    }

    public boolean isResponse() {
        return tag.equals("response");
    }

    /** A response with value="ACK" (case-insensitive). */
    public boolean isAck() {
        return isResponse() && "ACK".equalsIgnoreCase(attr("value"));
    }

    /** rawmode="true" on a response: raw data follows. */
    public boolean rawMode() {
        return "true".equalsIgnoreCase(attr("rawmode"));
    }
}
