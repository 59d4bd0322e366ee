package io.modemflash.emulator.qmi;

import io.modemflash.qmi.QmuxFramer;

import java.util.ArrayList;
import java.util.List;

/**
 * One byte-stream connection to the engine (a pty, an in-memory pipe): re-frames what the
 * host writes by the QMUX length and returns what the modem writes back. Bytes that cannot
 * start a frame are dropped, as a cdc-wdm function would never see them. Not thread-safe:
 * one per connection.
 */
public final class QmiStream implements ControlStream {
    private final QmiEngine engine;
    private final QmuxFramer framer = new QmuxFramer();

    public QmiStream(QmiEngine engine) {
        this.engine = engine;
    }

    @Override
    public List<byte[]> feed(byte[] data, int off, int len) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] frame : framer.feedFrames(data, off, len)) {
            out.addAll(engine.handleFrame(frame));
        }
        return out;
    }

    /** Forgets a partial frame (the host closed the port mid-frame). */
    @Override
    public void reset() {
        framer.reset();
    }
}
