package io.modemflash.images.cwe;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One header of a CWE tree and the images nested right after it.
 *
 * @param header   the parsed header
 * @param offset   where the header starts in the file
 * @param depth    0 for the top-level header
 * @param children sub-images (parsed recursively after the header)
 */
public record CweImage(CweHeader header, long offset, int depth, List<CweImage> children) {

    public CweImage {
        children = List.copyOf(children);
    }

    /** First byte after the header. */
    public long dataOffset() {
        return offset + CweHeader.SIZE;
    }

    /** One past the last byte of this image. */
    public long end() {
        return dataOffset() + header.imageSize();
    }

    public String type() {
        return header.type();
    }

    /** This image and every descendant, depth first. */
    public List<CweImage> flatten() {
        List<CweImage> all = new ArrayList<>();
        walk(all::add);
        return all;
    }

    public void walk(Consumer<CweImage> visitor) {
        visitor.accept(this);
        for (CweImage c : children) {
            c.walk(visitor);
        }
    }
}
