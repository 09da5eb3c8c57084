package io.gantry.proxy.backend;

import io.gantry.proxy.balance.Balancer;
import io.gantry.proxy.balance.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's backends, whose contents change over time: its source {@link #update}s the set, each
 * policy routes use it with has one {@link Balancer} here that is rebased onto every new set, and
 * listeners hear of each change. Its backends' {@link PassiveHealth} lives here too, so a backend that
 * leaves is forgotten with it: one that comes back at the same key and address starts afresh.
 */
public final class BackendGroup {

    private static final Logger log = LoggerFactory.getLogger(BackendGroup.class);

    private final String service;
    private final PassiveHealth health;
    private volatile BackendSet current = BackendSet.EMPTY;
    private final Map<Policy, Balancer> balancers = new ConcurrentHashMap<>();
    private final List<Consumer<BackendSet>> listeners = new CopyOnWriteArrayList<>();

    /** A group for {@code service}, with no backends yet, whose passive health is {@code health}. */
    public BackendGroup(String service, PassiveHealth health) {
        this.service = service;
        this.health = health;
    }

    /** A group with the command line's default passive health ({@code --max-fails 1 --fail-timeout 10s}). */
    public BackendGroup(String service) {
        this(service, new PassiveHealth(1, java.time.Duration.ofSeconds(10)));
    }

    /** The group of a proxy with one service ({@code --backend}, or tests). */
    public BackendGroup() {
        this("static");
    }

    /** What real requests have seen of these backends: who is being skipped. */
    public PassiveHealth health() {
        return health;
    }

    /** The service's name: {@code website} for {@code /services/website/}. */
    public String service() {
        return service;
    }

    /** The current set. */
    public BackendSet current() {
        return current;
    }

    /** The balancer of {@code policy} over this service, made and rebased onto the current set on first use. */
    public Balancer balancer(Policy policy) {
        Balancer b = balancers.get(policy);
        return b != null ? b : newBalancer(policy);
    }

    private synchronized Balancer newBalancer(Policy policy) {
        return balancers.computeIfAbsent(policy, p -> {
            Balancer b = p.newBalancer();
            b.rebase(current);
            return b;
        });
    }

    /** Drops the balancers of policies no route uses any more. */
    public synchronized void retainBalancers(Set<Policy> used) {
        balancers.keySet().retainAll(used);
    }

    /** Replaces the set, logging what was added, removed, and began or stopped draining. */
    public synchronized void update(BackendSet next) {
        BackendSet previous = current;
        current = next;
        balancers.values().forEach(b -> b.rebase(next));
        List<Backend> added = new ArrayList<>();
        List<Backend> removed = new ArrayList<>();
        previous.diff(next, added, removed);
        removed.forEach(health::forget);
        String of = service.equals("static") ? "" : " of " + service;
        if (added.size() + removed.size() > 10) {
            log.info("backends{}: {} added, {} removed, {} now", of, added.size(), removed.size(), next.size());
        } else {
            added.forEach(b -> log.info("backend{} added: {}", of, b));
            removed.forEach(b -> log.info("backend{} removed: {}", of, b));
            logDraining(previous, next, of);
        }
        if (next.isEmpty() && !previous.isEmpty()) {
            log.warn("no backends left{}: its requests get 503 until one is added", of);
        }
        listeners.forEach(l -> l.accept(next));
    }

    private static void logDraining(BackendSet previous, BackendSet next, String of) {
        for (Endpoint e : next.endpoints()) {
            int i = previous.indexOf(e.key());
            if (i >= 0 && previous.endpoint(i).backend().equals(e.backend()) && previous.endpoint(i).draining() != e.draining()) {
                log.info("backend{} {}: {}", of, e.draining() ? "draining, no new requests" : "no longer draining", e.backend());
            }
        }
    }

    /** Calls {@code listener} with every new set. */
    public void onChange(Consumer<BackendSet> listener) {
        listeners.add(listener);
    }
}
