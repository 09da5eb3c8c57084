package io.gantry.proxy.backend;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every service the proxy knows, by name, each a {@link BackendGroup}: made when a route names the
 * service or its first backend appears, whichever comes first, and kept (an empty group answers 503).
 */
public final class Services {

    private final Map<String, BackendGroup> groups = new ConcurrentHashMap<>();
    private final int maxFails;
    private final Duration failTimeout;

    /** Services whose backends are skipped after {@code maxFails} failures within {@code failTimeout}. */
    public Services(int maxFails, Duration failTimeout) {
        this.maxFails = maxFails;
        this.failTimeout = failTimeout;
    }

    /** Services with the command line's default passive health. */
    public Services() {
        this(1, Duration.ofSeconds(10));
    }

    /** The group of {@code service}, made empty if it was not known. */
    public BackendGroup group(String service) {
        BackendGroup g = groups.get(service);
        return g != null ? g : groups.computeIfAbsent(service, s -> new BackendGroup(s, new PassiveHealth(maxFails, failTimeout)));
    }

    /** The groups, by name. */
    public Collection<BackendGroup> all() {
        return new TreeMap<>(groups).values();
    }

    /** How many backends all services have. */
    public int backendCount() {
        int n = 0;
        for (BackendGroup g : groups.values()) {
            n += g.current().size();
        }
        return n;
    }

    public int size() {
        return groups.size();
    }
}
