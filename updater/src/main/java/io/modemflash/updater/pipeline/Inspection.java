package io.modemflash.updater.pipeline;

import io.modemflash.images.FirmwarePackage;
import io.modemflash.images.Limits;
import io.modemflash.updater.api.Failure;
import io.modemflash.updater.api.ExitCode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The inspect stage within its limit: the package is opened (extracted, every image hashed and
 * validated) on its own thread. When the limit passes first, that thread is interrupted and
 * the stage fails; a package that still finishes opening is closed, so that nothing it
 * extracted stays behind.
 */
public final class Inspection {
    private Inspection() {
    }

    public static FirmwarePackage open(Path source, Duration limit) throws IOException, InterruptedException {
        return open(java.util.List.of(source), limit);
    }

    /** Several files are one package, in the order given (FirmwarePackage.openFiles). */
    public static FirmwarePackage open(java.util.List<Path> sources, Duration limit) throws IOException,
            InterruptedException {
        return open(() -> FirmwarePackage.openFiles(sources, java.util.List.of(), Limits.defaults(), true),
                sources.size() == 1 ? sources.get(0).toString() : sources.toString(), limit);
    }

    static FirmwarePackage open(Callable<FirmwarePackage> opener, String what, Duration limit)
            throws IOException, InterruptedException {
        CompletableFuture<FirmwarePackage> opened = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                opened.complete(opener.call());
            } catch (Throwable e) {
                opened.completeExceptionally(e);
            }
        }, "inspect");
        t.setDaemon(true);
        t.start();
        try {
            return opened.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandon(t, opened);
            throw new Failure(ExitCode.TIMEOUT, "stage inspect did not finish within "
                    + UpdatePipeline.seconds(limit) + " (" + what + ")");
        } catch (InterruptedException e) {
            abandon(t, opened);
            throw e;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }

    private static void abandon(Thread t, CompletableFuture<FirmwarePackage> opened) {
        t.interrupt();
        opened.thenAccept(p -> {
            try {
                p.close();
            } catch (IOException ignored) {
                // a temporary directory left behind: nothing more to do
            }
        });
    }
}
