package io.modemflash.images.flat;

import java.util.Map;

/**
 * One child element of a package XML file's root ({@code <program>} of {@code <data>},
 * {@code <patch>} of {@code <patches>}): its tag and attributes as written, and its line.
 */
public record XmlElement(String tag, Map<String, String> attributes, int line) {
    public XmlElement {
        attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    }
}
