package io.modemflash.qdl.testutil;

import java.util.concurrent.atomic.AtomicReference;

/** Runs a scripted device peer on a thread and re-throws its failure in the test thread. */
public final class PeerThread implements AutoCloseable {
    public interface Body {
        void run() throws Exception;
    }

    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public PeerThread(Body body) {
        thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "scripted-peer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits for the peer to finish its script and fails if it failed. */
    public void join() throws Exception {
        thread.join(60_000);
        if (thread.isAlive()) {
            throw new AssertionError("scripted peer did not finish");
        }
        Throwable t = failure.get();
        if (t instanceof Exception e) {
            throw e;
        }
        if (t != null) {
            throw new AssertionError(t);
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
