package io.gantry.proxy.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends, whose contents change over time: sources {@link #update} the set, the request path
 * picks from it through {@link #selector()}, listeners hear of each change.
 */
public final class BackendGroup {

    private static final Logger log = LoggerFactory.getLogger(BackendGroup.class);

    private final RoundRobinSelector selector = new RoundRobinSelector();
    private final List<Consumer<BackendSet>> listeners = new CopyOnWriteArrayList<>();

    /** The current set. */
    public BackendSet current() {
        return selector.current();
    }

    /** Where the request path picks a backend. */
    public RoundRobinSelector selector() {
        return selector;
    }

    /** Replaces the set, logging what was added and removed. */
    public synchronized void update(BackendSet next) {
        BackendSet previous = selector.current();
        selector.rebase(next);
        List<Backend> added = new ArrayList<>();
        List<Backend> removed = new ArrayList<>();
        previous.diff(next, added, removed);
        if (added.size() + removed.size() > 10) {
            log.info("backends: {} added, {} removed, {} now", added.size(), removed.size(), next.size());
        } else {
            added.forEach(b -> log.info("backend added: {}", b));
            removed.forEach(b -> log.info("backend removed: {}", b));
        }
        if (next.isEmpty() && !previous.isEmpty()) {
            log.warn("no backends left: requests get 503 until one is added");
        }
        listeners.forEach(l -> l.accept(next));
    }

    /** Calls {@code listener} with every new set. */
    public void onChange(Consumer<BackendSet> listener) {
        listeners.add(listener);
    }
}
