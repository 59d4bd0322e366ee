package io.modemflash.updater.api;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stopping a run from outside (Ctrl-C, SIGTERM, a library user giving up): the threads doing
 * the work are interrupted and the ports they block on are closed, so that every stage ends
 * through its normal failure path (its stage-end, the journal kept for a rerun, QMI client
 * ids released, temporary files removed) with {@link #reason()} as the exit code.
 * One per process: a run is what the process does.
 */
public final class Cancellation {
    private static volatile ExitCode reason;
    private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();
    private static final Set<Thread> WORKERS = ConcurrentHashMap.newKeySet();

    private Cancellation() {
    }

    /** What undoes one registration (never throws). */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Cancels the run: {@code why} is INTERRUPTED (SIGINT) or TERMINATED (SIGTERM). Only the first call counts. */
    public static synchronized void cancel(ExitCode why) {
        if (reason != null) {
            return;
        }
        reason = why;
        WORKERS.forEach(Thread::interrupt);
        for (AutoCloseable c : OPEN) {
            closeQuietly(c);
        }
    }

    /** Null while the run goes on. */
    public static ExitCode reason() {
        return reason;
    }

    public static boolean cancelled() {
        return reason != null;
    }

    /** Throws when the run was cancelled (between steps that block on nothing). */
    public static void checkpoint() throws InterruptedException {
        if (reason != null) {
            throw new InterruptedException(reason.meaning);
        }
    }

    /** Closes {@code port} when the run is cancelled (at once if it already was), until the registration is closed. */
    public static synchronized Registration whileOpen(AutoCloseable port) {
        if (reason != null) {
            closeQuietly(port);
        }
        OPEN.add(port);
        return () -> OPEN.remove(port);
    }

    /** Interrupts {@code t} when the run is cancelled, until the registration is closed. */
    public static synchronized Registration worker(Thread t) {
        if (reason != null) {
            t.interrupt();
        }
        WORKERS.add(t);
        return () -> WORKERS.remove(t);
    }

    /** A new run in this process (tests run many in one JVM). */
    public static synchronized void reset() {
        reason = null;
        OPEN.clear();
        WORKERS.clear();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing is all a cancellation can do
        }
    }
}
