package io.gantry.proxy.balance;

import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Consistent hashing by Maglev (Eisenbud et al., NSDI 2016), as Envoy's {@code MAGLEV}: a lookup table
 * of a prime size, at least 16,411 entries and 100 per endpoint, filled by each endpoint's own permutation of the
 * entries in turns proportional to its weight. A key picks the entry its hash falls on, so a request
 * costs one hash and one array read, and adding one endpoint to n moves about 1/(n+1) of the keys.
 * Endpoints that are draining or of weight 0 are left out of the table (their keys move as they drain,
 * once). When the key's endpoint may not take the request (down, or the one a retry leaves), the
 * following entries are tried, so only that endpoint's keys move, and only while it is away. A request
 * without the key is placed round-robin.
 */
public final class MaglevHash implements Balancer {

    /** Table sizes: at least 16,411 entries, since a small table moves more keys between the old endpoints. */
    private static final int[] PRIMES = {16411, 65537, 262147, 1048583};

    private record Table(BackendSet set, int[] entries) {
    }

    private final HashKey key;
    private final RoundRobin keyless = new RoundRobin(SlowStart.OFF);
    private volatile Table table = new Table(BackendSet.EMPTY, new int[0]);

    public MaglevHash(HashKey key) {
        this.key = key;
    }

    @Override
    public void rebase(BackendSet set) {
        keyless.rebase(set);
        table = new Table(set, build(set));
    }

    @Override
    public Endpoint pick(HttpRequest request, String clientAddress, Endpoint avoid, PassiveHealth health) {
        Table t = table;
        int[] entries = t.entries();
        if (entries.length == 0) {
            return keyless.pick(request, clientAddress, avoid, health);
        }
        long h = key.hash(request, clientAddress);
        if (h == 0) {
            return keyless.pick(request, clientAddress, avoid, health);
        }
        long now = System.nanoTime();
        int m = entries.length;
        int slot = (int) Long.remainderUnsigned(h, m);
        int n = t.set().size();
        // Enough following entries to meet every endpoint several times over, then the common fallback.
        for (int i = 0, limit = Math.min(m, 64 + 8 * n); i < limit; i++) {
            Endpoint e = t.set().endpoint(entries[(slot + i) % m]);
            if (Candidates.eligible(e, avoid, health, now)) {
                return e;
            }
        }
        return Candidates.scan(t.set(), entries[slot], avoid, health, now, SlowStart.OFF);
    }

    /** The table for {@code set}: entry to endpoint index; empty when no endpoint takes new requests. */
    static int[] build(BackendSet set) {
        int n = set.size();
        int maxWeight = 0;
        int members = 0;
        for (int i = 0; i < n; i++) {
            Endpoint e = set.endpoint(i);
            if (e.takesNew()) {
                maxWeight = Math.max(maxWeight, e.weight());
                members++;
            }
        }
        if (members == 0) {
            return new int[0];
        }
        int m = PRIMES[PRIMES.length - 1];
        for (int p : PRIMES) {
            if (p >= 100L * members) {
                m = p;
                break;
            }
        }
        long[] offset = new long[n];
        long[] skip = new long[n];
        long[] next = new long[n];
        long[] credit = new long[n];
        for (int i = 0; i < n; i++) {
            String k = set.endpoint(i).key();
            offset[i] = Long.remainderUnsigned(Hashing.hash(k, 0, k.length()), m);
            skip[i] = Long.remainderUnsigned(Hashing.hash(k, 0, k.length(), 0x9e3779b97f4a7c15L), m - 1) + 1;
        }
        int[] entries = new int[m];
        java.util.Arrays.fill(entries, -1);
        int filled = 0;
        while (true) {
            for (int i = 0; i < n; i++) {
                Endpoint e = set.endpoint(i);
                if (!e.takesNew()) {
                    continue;
                }
                // Each round every endpoint earns its weight; it places one entry per maxWeight earned.
                credit[i] += e.weight();
                if (credit[i] < maxWeight) {
                    continue;
                }
                credit[i] -= maxWeight;
                int c;
                do {
                    c = (int) ((offset[i] + next[i] * skip[i]) % m);
                    next[i]++;
                } while (entries[c] >= 0);
                entries[c] = i;
                if (++filled == m) {
                    return entries;
                }
            }
        }
    }
}
