package io.gantry.proxy.balance;

import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import io.netty.handler.codec.http.HttpRequest;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The power of two random choices over requests in flight, as Envoy's {@code LEAST_REQUEST} and
 * nginx's {@code random two least_conn}: two different endpoints are drawn at random and the one with
 * fewer requests in flight per unit of weight (its slow start factor included) takes the request. A
 * slow backend collects requests in flight, so it is drawn as often as the others but loses the
 * comparison. No lock, no shared counter but each endpoint's own.
 */
public final class LeastRequest implements Balancer {

    private final SlowStart slowStart;
    private volatile BackendSet set = BackendSet.EMPTY;

    public LeastRequest(SlowStart slowStart) {
        this.slowStart = slowStart;
    }

    @Override
    public void rebase(BackendSet set) {
        this.set = set;
    }

    @Override
    public Endpoint pick(HttpRequest request, String clientAddress, Endpoint avoid, PassiveHealth health) {
        BackendSet s = set;
        int n = s.size();
        if (n < 2) {
            return n == 0 ? null : Candidates.scan(s, 0, avoid, health, System.nanoTime(), SlowStart.OFF);
        }
        long now = System.nanoTime();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int a = random.nextInt(n);
        int b = random.nextInt(n - 1);
        b += b >= a ? 1 : 0;
        Endpoint ea = s.endpoint(a);
        Endpoint eb = s.endpoint(b);
        boolean okA = Candidates.eligible(ea, avoid, health, now);
        boolean okB = Candidates.eligible(eb, avoid, health, now);
        if (okA && okB) {
            // (inFlight + 1) / weight, compared without dividing
            double la = (ea.load().inFlight() + 1) * effectiveWeight(eb, health, now);
            double lb = (eb.load().inFlight() + 1) * effectiveWeight(ea, health, now);
            return lb < la ? eb : ea;
        }
        if (okA || okB) {
            return okA ? ea : eb;
        }
        return Candidates.scan(s, a, avoid, health, now, SlowStart.OFF);
    }

    private double effectiveWeight(Endpoint e, PassiveHealth health, long now) {
        return e.weight() * slowStart.factor(e, health, now);
    }
}
