package io.gantry.common.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Waiting for a service manager's stop: SIGTERM (or Ctrl-C's SIGINT) runs a graceful stop once, then
 * the program exits 0, which systemd and the tests read as a clean stop (a JVM killed by the signal
 * would exit 143).
 */
public final class Shutdown {

    private Shutdown() {
    }

    /** Blocks until SIGTERM or SIGINT, runs {@code stop}, and returns when it has finished. */
    public static void awaitSignalThen(Runnable stop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable once = new Runnable() {
            private boolean started;

            @Override
            public synchronized void run() {
                if (started) {
                    return;
                }
                started = true;
                try {
                    stop.run();
                } finally {
                    stopped.countDown();
                }
            }
        };
        Signal.handle(new Signal("TERM"), s -> new Thread(once, "shutdown").start());
        Signal.handle(new Signal("INT"), s -> new Thread(once, "shutdown").start());
        stopped.await();
    }
}
