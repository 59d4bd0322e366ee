package io.modemflash.images.cwe;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds CWE files from a tree description, with correct sizes and CRCs. Used to make the
 * sample packages (real firmware never enters the repository) and hostile variants in tests.
 * Everything is in memory: meant for small images.
 */
public final class CweBuilder {
    private CweBuilder() {
    }

    /**
     * One image: either leaf {@code data} or {@code children} (each a full header + image).
     * {@code crcValid} sets the validity indicator; the CRCs are always computed.
     */
    public record Node(String type, String product, String version, String date, byte[] data, List<Node> children,
                       boolean crcValid) {
        public Node {
            children = List.copyOf(children);
        }

        public Node withCrcValid(boolean v) {
            return new Node(type, product, version, date, data, children, v);
        }
    }

    public static Node leaf(String type, String product, String version, byte[] data) {
        return new Node(type, product, version, "11/22/26", data, List.of(), true);
    }

    public static Node parent(String type, String product, String version, Node... children) {
        return new Node(type, product, version, "11/22/26", null, List.of(children), true);
    }

    /** The whole file: header followed by the image (leaf data or nested images). */
    public static byte[] build(Node n) {
        byte[] body;
        if (n.data() != null) {
            body = n.data();
        } else {
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            for (Node c : n.children()) {
                bo.writeBytes(build(c));
            }
            body = bo.toByteArray();
        }
        byte[] psb = new byte[CweHeader.PSB_SIZE];
        byte[] tag = ("PSB " + n.type()).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tag, 0, psb, 0, tag.length);
        CweHeader h = new CweHeader(psb, SierraCrc.of(psb, 0, psb.length), 3, n.crcValid() ? CweHeader.CRC_VALID : 0,
                n.type(), n.product(), body.length, SierraCrc.of(body, 0, body.length), n.version(), n.date(), 0);
        byte[] out = new byte[CweHeader.SIZE + body.length];
        System.arraycopy(h.toBytes(), 0, out, 0, CweHeader.SIZE);
        System.arraycopy(body, 0, out, CweHeader.SIZE, body.length);
        return out;
    }
}
