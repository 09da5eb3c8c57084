package io.gantry.proxy.balance;

import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;

/** What every policy agrees on: which endpoints may take a new request, and the order of fallbacks. */
final class Candidates {

    private Candidates() {
    }

    /** Whether {@code e} may take this request: it takes new ones, is not the one left, and is not skipped. */
    static boolean eligible(Endpoint e, Endpoint avoid, PassiveHealth health, long now) {
        return e.takesNew() && e != avoid && !health.isDown(e.backend(), now);
    }

    /**
     * The first endpoint from {@code start} on, in key order, that is {@linkplain #eligible eligible}
     * and admitted by {@code slowStart}; failing that, the first eligible one; then the first that
     * takes new requests though passive health skips it; then the first draining or weight-0 one; then
     * {@code avoid}, when it is the only one. Null only for an empty set.
     */
    static Endpoint scan(BackendSet set, int start, Endpoint avoid, PassiveHealth health, long now, SlowStart slowStart) {
        int n = set.size();
        Endpoint eligible = null;
        Endpoint down = null;
        Endpoint resting = null;
        for (int i = 0; i < n; i++) {
            Endpoint e = set.endpoint((start + i) % n);
            if (e == avoid && n > 1) {
                continue;
            }
            if (!e.takesNew()) {
                resting = resting == null ? e : resting;
            } else if (health.isDown(e.backend(), now)) {
                down = down == null ? e : down;
            } else if (slowStart.admits(e, health, now)) {
                return e;
            } else if (eligible == null) {
                eligible = e;
            }
        }
        // Only avoid is passed over, and only when another is there: null means an empty set.
        return eligible != null ? eligible : down != null ? down : resting;
    }
}
