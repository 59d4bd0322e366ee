package io.modemflash.qdl.firehose;

import io.modemflash.qdl.link.Link;
import io.modemflash.qdl.testutil.PeerIo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Minimal scripted Firehose target for the session tests. */
final class FirehosePeer {
    final PeerIo io;

    FirehosePeer(Link link) {
        io = new PeerIo(link);
    }

    /** Reads one host document (byte by byte up to </data>) and returns its single element. */
    FirehoseElement receive() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("</data>")) {
            sb.append((char) io.readByte());
        }
        String doc = sb.toString();
        if (!doc.startsWith(FirehoseXml.PROLOG + "<data><") || !doc.endsWith(" /></data>")) {
            throw new IOException("peer: not a one-tag self-closing document: " + doc);
        }
        List<FirehoseElement> els = FirehoseXml.parse(doc);
        if (els.size() != 1) {
            throw new IOException("peer: expected one tag, got " + els);
        }
        return els.get(0);
    }

    FirehoseElement expect(String tag) throws IOException {
        FirehoseElement e = receive();
        if (!e.tag().equals(tag)) {
            throw new IOException("peer: expected <" + tag + ">, got " + e);
        }
        return e;
    }

    void log(String value) throws IOException {
        send("<log value=\"" + FirehoseXml.escape(value) + "\" />");
    }

    void ack(String extra) throws IOException {
        send("<response value=\"ACK\" " + extra + " />");
    }

    void ack() throws IOException {
        ack("");
    }

    void nak(String extra) throws IOException {
        send("<response value=\"NAK\" " + extra + " />");
    }

    void send(String element) throws IOException {
        io.write(doc(element));
    }

    static byte[] doc(String element) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<data>\n" + element + "\n</data>")
                .getBytes(StandardCharsets.UTF_8);
    }
}
