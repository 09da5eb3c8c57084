package io.gantry.common;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The one thread that owns a piece of mutable state (a watch, a lease, an event stream): everything
 * touching that state runs on it, so nothing there needs a lock.
 */
public final class OwnerThread {

    private OwnerThread() {
    }

    /** A single daemon thread called {@code name}, able to run tasks later (retries with backoff). */
    public static ScheduledExecutorService named(String name) {
        return Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(name));
    }
}
