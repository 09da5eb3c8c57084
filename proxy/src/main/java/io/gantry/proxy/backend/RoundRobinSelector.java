package io.gantry.proxy.backend;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Round-robin over a {@link BackendSet}, one selector per event loop so picking needs no shared
 * write. The selector remembers the key it picked last, not a position: when backends are added or
 * removed the rotation carries on from that key, so the others keep their turn and nobody gets two.
 * Not thread-safe: each event loop owns its own.
 */
public final class RoundRobinSelector {

    private BackendSet set;
    private int index = -1;

    /** The next backend in turn, or null when {@code backends} is empty. */
    public Backend next(BackendSet backends) {
        int n = backends.size();
        if (n == 0) {
            return null;
        }
        if (backends == set) {
            index = index + 1 == n ? 0 : index + 1;
        } else {
            // Start each loop somewhere different so that N loops do not all hit backend 0 first.
            index = set == null || index < 0
                    ? ThreadLocalRandom.current().nextInt(n)
                    : backends.indexAfter(set.get(index).key());
            set = backends;
        }
        return backends.get(index);
    }
}
