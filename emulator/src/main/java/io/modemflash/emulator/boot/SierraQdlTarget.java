package io.modemflash.emulator.boot;

import io.modemflash.images.cwe.CweHeader;
import io.modemflash.qdl.hdlc.Hdlc;
import io.modemflash.qdl.hdlc.HdlcException;
import io.modemflash.qdl.hdlc.QdlCodec;
import io.modemflash.qdl.hdlc.QdlError;
import io.modemflash.qdl.hdlc.QdlMessage;

import java.io.IOException;
import java.util.Optional;

/**
 * The device side of Sierra QDL (9x15/9x30 boot-and-hold): HDLC-framed commands, except the
 * write-unframed header (13 bytes, CRC16 over its first 11) and its raw chunk. Strict: the
 * CWE header of an open is checked, chunk sequence numbers must follow, chunks are at most
 * 1 MiB and must not run past the announced length, close requires the whole image.
 */
final class SierraQdlTarget {
    static final int MAX_CHUNK = 1 << 20;
    private static final int MAX_FRAME = 64 * 1024;

    private final DeviceIo io;
    private final ImageStore store;
    private final byte[] chunk = new byte[MAX_CHUNK];
    private boolean helloDone;
    private ImageStore.Incoming open;
    private int openType;
    private long expectedPayload;
    private long received;
    private int nextSeq;

    SierraQdlTarget(DeviceIo io, ImageStore store) {
        this.io = io;
        this.store = store;
    }

    /** Serves until the host sends reset. */
    void run() throws IOException, BootExit {
        try {
            io.stage("hello");
            // the host's tty may echo our answers until it is raw; a strict target takes them as a bad frame
            io.watchEcho(QdlCodec.toWire(new QdlMessage.Error(QdlError.BAD_CRC.code, 0)));
            while (true) {
                int first = peekByte();
                if (first == QdlMessage.CMD_WRITE_UNFRAMED && open != null) {
                    writeUnframed();
                    continue;
                }
                byte[] payload = nextFrame();
                if (payload == null) {
                    continue;
                }
                QdlMessage m;
                try {
                    m = QdlCodec.decode(payload);
                } catch (HdlcException e) {
                    error(QdlError.BAD_COMMAND);
                    continue;
                }
                handle(m);
            }
        } finally {
            if (open != null) {
                open.close(); // an interrupted image leaves nothing behind
            }
        }
    }

    private void handle(QdlMessage m) throws IOException, BootExit {
        if (m instanceof QdlMessage.DloadSdp) {
            error(QdlError.COMMAND_UNSUPPORTED); // already in the download protocol: hosts skip on 0x16
        } else if (m instanceof QdlMessage.Hello h) {
            if (!QdlMessage.HOST_MAGIC.equals(h.magic())) {
                error(QdlError.BAD_COMMAND);
            } else if (h.maxVersion() < 6 || h.minVersion() > 6) {
                error(QdlError.BAD_FEATURES); // the 9x30 speaks version 6 only
            } else {
                helloDone = true;
                send(new QdlMessage.HelloRsp(QdlMessage.TARGET_MAGIC, 6, 6, 0x00100000L, 0x00000100L, 0x09, 0x0400,
                        0x0000, h.features()));
            }
        } else if (m instanceof QdlMessage.OpenUnframed o) {
            open(o);
        } else if (m instanceof QdlMessage.CloseUnframed) {
            close();
        } else if (m instanceof QdlMessage.Reset) {
            io.stage("reset");
            throw new BootExit(BootExit.Outcome.APPLICATION, "QDL reset");
        } else {
            error(QdlError.BAD_COMMAND);
        }
    }

    private void open(QdlMessage.OpenUnframed o) throws IOException, BootExit {
        io.stage("open");
        io.stopWatchingEcho();
        if (!helloDone || open != null) {
            error(QdlError.OUT_OF_SEQUENCE);
            return;
        }
        if (o.imageType() != QdlMessage.IMAGE_CWE) {
            send(new QdlMessage.OpenRsp(QdlError.UNSUPPORTED.code, 1, 0));
            return;
        }
        Optional<CweHeader> h = o.header().length == CweHeader.SIZE ? CweHeader.parse(o.header()) : Optional.empty();
        if (h.isEmpty() || o.length() != CweHeader.SIZE + h.get().imageSize() || o.window() != 1
                || o.chunkSize() != h.get().imageSize()) {
            send(new QdlMessage.OpenRsp(QdlError.BAD_LENGTH.code, 1, 0));
            return;
        }
        open = store.begin(h.get().type());
        open.write(o.header(), 0, CweHeader.SIZE);
        openType = o.imageType();
        expectedPayload = h.get().imageSize();
        received = 0;
        nextSeq = 0;
        send(new QdlMessage.OpenRsp(0, 1, o.chunkSize()));
    }

    private void writeUnframed() throws IOException, BootExit {
        io.stage("write");
        byte[] hdr = new byte[QdlCodec.WRITE_HEADER_LENGTH];
        io.readFully(hdr, 0, hdr.length);
        QdlMessage.WriteUnframedHeader w;
        try {
            w = (QdlMessage.WriteUnframedHeader) QdlCodec.decode(hdr);
        } catch (HdlcException e) {
            // bad header CRC: the chunk length cannot be trusted; drop what is buffered
            drain();
            error(QdlError.BAD_CRC);
            return;
        }
        if (w.chunkSize() > MAX_CHUNK || w.chunkSize() > expectedPayload - received) {
            drain();
            error(QdlError.BAD_LENGTH);
            return;
        }
        int n = (int) w.chunkSize();
        io.readFully(chunk, 0, n);
        if (w.sequence() != nextSeq) {
            error(QdlError.OUT_OF_SEQUENCE);
            return;
        }
        open.write(chunk, 0, n);
        received += n;
        nextSeq = (nextSeq + 1) & 0xffff;
        io.downloaded(n);
        byte[] rsp = Hdlc.frame(QdlCodec.encode(new QdlMessage.WriteRsp(w.sequence(), 0, 0)));
        if (io.faults().corruptCrcOnce()) {
            rsp = corruptCrc(QdlCodec.encode(new QdlMessage.WriteRsp(w.sequence(), 0, 0)));
        }
        io.write(rsp);
    }

    private void close() throws IOException, BootExit {
        io.stage("close");
        if (open == null) {
            error(QdlError.OUT_OF_SEQUENCE);
            return;
        }
        if (received != expectedPayload) {
            open.close();
            open = null;
            send(new QdlMessage.CloseRsp(QdlError.CLOSE_FAILED.code, openType, 0));
            return;
        }
        open.commit();
        open.close();
        open = null;
        send(new QdlMessage.CloseRsp(0, openType, 0));
    }

    // ------------------------------------------------------------------ wire

    private void send(QdlMessage m) throws IOException, BootExit {
        io.write(QdlCodec.toWire(m));
    }

    private void error(QdlError e) throws IOException, BootExit {
        send(new QdlMessage.Error(e.code, 0));
    }

    /** A frame whose CRC bytes are flipped (escaping kept valid by framing a corrupted payload+CRC). */
    private static byte[] corruptCrc(byte[] payload) {
        byte[] framed = Hdlc.frame(payload);
        // the byte before the closing flag belongs to the CRC; flip a bit that needs no escaping
        int i = framed.length - 2;
        int v = framed[i] & 0xff;
        framed[i] = (byte) (v == 0x7c || v == 0x7e || v == 0x7d ? 0x11 : v ^ 0x01);
        return framed;
    }

    private int peekByte() throws IOException, BootExit {
        byte[] b = new byte[1];
        io.readFully(b, 0, 1);
        io.unread(b, 0, 1);
        return b[0] & 0xff;
    }

    /** One HDLC frame's payload (unescaped, CRC checked); null when it was empty or bad (reported). */
    private byte[] nextFrame() throws IOException, BootExit {
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        byte[] b = new byte[1];
        boolean started = false;
        while (true) {
            io.readFully(b, 0, 1);
            int v = b[0] & 0xff;
            if (v == Hdlc.FLAG) {
                if (raw.size() == 0) {
                    started = true;
                    continue; // opening flag or back-to-back flags
                }
                break;
            }
            if (raw.size() >= MAX_FRAME) {
                error(QdlError.BAD_LENGTH);
                return null;
            }
            raw.write(v);
        }
        try {
            return Hdlc.unframe(raw.toByteArray());
        } catch (HdlcException e) {
            error(QdlError.BAD_CRC);
            return null;
        }
    }

    /** Discards what the host already sent (after a header that cannot be trusted). */
    private void drain() throws IOException, BootExit {
        byte[] sink = new byte[64 * 1024];
        while (io.read(sink, 0, sink.length, 50) > 0) {
            // discard
        }
    }
}
