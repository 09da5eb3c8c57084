package io.gantry.proxy.balance;

import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import io.netty.handler.codec.http.HttpRequest;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round-robin, shared by all event loops: each pick takes the next ticket of one atomic counter, so
 * consecutive requests alternate however they are spread over threads and connections. With equal
 * weights the set and the rotation's offset are swapped together by the single writer, which continues
 * the rotation after the last endpoint picked: adding or removing backends neither restarts the rotation
 * nor gives anyone two turns in a row. With unequal weights the tickets walk a schedule in which each
 * endpoint appears as often as its weight, spread out as nginx's smooth weighted round-robin spreads
 * them. An endpoint that may not take the request loses its turn to the next ({@link Candidates#scan}).
 */
public final class RoundRobin implements Balancer {

    /** Schedules longer than this are scaled down, weights kept in proportion as far as they allow. */
    private static final int MAX_SCHEDULE = 4096;

    /** A set and where ticket {@code base} starts in it; {@code schedule} is null with equal weights. */
    private record Rotation(BackendSet set, long base, int start, int[] schedule) {
        int index(long ticket) {
            if (schedule != null) {
                return schedule[(int) Math.floorMod(ticket - base, (long) schedule.length)];
            }
            int n = set.size();
            return (int) ((start + Math.floorMod(ticket - base, (long) n)) % n);
        }
    }

    private final AtomicLong tickets = new AtomicLong();
    private final SlowStart slowStart;
    private volatile Rotation rotation = new Rotation(BackendSet.EMPTY, 0, 0, null);

    public RoundRobin(SlowStart slowStart) {
        this.slowStart = slowStart;
    }

    @Override
    public Endpoint pick(HttpRequest request, String clientAddress, Endpoint avoid, PassiveHealth health) {
        return next(avoid, health);
    }

    /** The next endpoint in turn that may take a request, or the best fallback; null for an empty set. */
    public Endpoint next(Endpoint avoid, PassiveHealth health) {
        Rotation r = rotation;
        BackendSet set = r.set();
        if (set.isEmpty()) {
            return null;
        }
        long now = System.nanoTime();
        // One ticket, then the endpoints after its own in order: a scan that took a ticket per step could
        // be interleaved by the other event loops into seeing one skipped endpoint n times and none other.
        int first = r.index(tickets.getAndIncrement());
        Endpoint e = set.endpoint(first);
        if (Candidates.eligible(e, avoid, health, now) && slowStart.admits(e, health, now)) {
            return e;
        }
        return Candidates.scan(set, first + 1, avoid, health, now, slowStart);
    }

    @Override
    public synchronized void rebase(BackendSet set) {
        Rotation old = rotation;
        long ticket = tickets.get();
        if (!set.uniformWeights()) {
            rotation = new Rotation(set, ticket, 0, schedule(set));
            return;
        }
        int start = 0;
        if (!old.set().isEmpty() && !set.isEmpty()) {
            start = set.indexAfter(old.set().endpoint(old.index(ticket - 1)).key());
        }
        rotation = new Rotation(set, ticket, start, null);
    }

    /**
     * Each endpoint's index as often as its weight (divided by the weights' common divisor), spread by
     * smooth weighted round-robin: at each step every endpoint gains its weight, the one with the most
     * is scheduled and pays back the total.
     */
    static int[] schedule(BackendSet set) {
        int n = set.size();
        int[] weights = new int[n];
        int gcd = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = set.endpoint(i).weight();
            gcd = gcd(gcd, weights[i]);
        }
        long total = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = gcd == 0 ? 0 : weights[i] / gcd;
            total += weights[i];
        }
        if (total == 0) {
            return null; // all weight 0: every pick falls back, in key order
        }
        if (total > MAX_SCHEDULE) {
            double scale = (double) MAX_SCHEDULE / total;
            total = 0;
            for (int i = 0; i < n; i++) {
                weights[i] = weights[i] == 0 ? 0 : Math.max(1, (int) (weights[i] * scale));
                total += weights[i];
            }
        }
        int[] schedule = new int[(int) total];
        long[] current = new long[n];
        for (int step = 0; step < schedule.length; step++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (weights[i] > 0 && (best < 0 || current[i] > current[best])) {
                    best = i;
                }
            }
            current[best] -= total;
            schedule[step] = best;
        }
        return schedule;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
