package io.gantry.proxy.backend;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Round-robin over the current {@link BackendSet}, shared by all event loops: each pick takes the next
 * ticket of one atomic counter, so consecutive requests alternate however they are spread over
 * threads and connections. The set and the rotation's offset are swapped together by the single
 * writer ({@link #rebase}), which continues the rotation after the last backend picked: adding or
 * removing backends neither restarts the rotation nor gives anyone two turns in a row. Backends that
 * passive health is skipping lose their turn; when every backend is skipped, they are tried anyway
 * rather than refusing on stale information.
 */
public final class RoundRobinSelector {

    /** A set and where ticket {@code base} starts in it. */
    private record Rotation(BackendSet set, long base, int start) {
        Backend at(long ticket) {
            int n = set.size();
            return set.get((int) ((start + Math.floorMod(ticket - base, (long) n)) % n));
        }
    }

    private final AtomicLong tickets = new AtomicLong();
    private volatile Rotation rotation = new Rotation(BackendSet.EMPTY, 0, 0);

    /** The next backend in turn, or null when there is none. */
    public Backend next() {
        Rotation r = rotation;
        return r.set().isEmpty() ? null : r.at(tickets.getAndIncrement());
    }

    /**
     * The next backend in turn that is neither {@code avoid} (the one a retry leaves) nor skipped by
     * {@code health}; failing that, the next one other than {@code avoid}; null when there is none.
     */
    public Backend next(Backend avoid, PassiveHealth health) {
        Rotation r = rotation;
        int n = r.set().size();
        if (n == 0) {
            return null;
        }
        long now = System.nanoTime();
        // One ticket, then the backends after it in order: a scan that took a ticket per step could be
        // interleaved by the other event loops into seeing one skipped backend n times and none other.
        long ticket = tickets.getAndIncrement();
        Backend fallback = null;
        for (int i = 0; i < n; i++) {
            Backend b = r.at(ticket + i);
            if (b.equals(avoid) && n > 1) {
                continue;
            }
            if (!health.isDown(b, now)) {
                return b;
            }
            if (fallback == null) {
                fallback = b;
            }
        }
        return fallback != null ? fallback : r.at(ticket);
    }

    /** The set being rotated over. */
    public BackendSet current() {
        return rotation.set();
    }

    /** Switches to {@code set}, continuing after the backend picked last. Called by one writer at a time. */
    synchronized void rebase(BackendSet set) {
        Rotation old = rotation;
        long ticket = tickets.get();
        int start = 0;
        if (!old.set().isEmpty() && !set.isEmpty()) {
            start = set.indexAfter(old.at(ticket - 1).key());
        }
        rotation = new Rotation(set, ticket, start);
    }
}
