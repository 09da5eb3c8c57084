package io.gantry.proxy.source;

import io.gantry.common.BackendValue;
import io.gantry.common.ServiceKeys;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendLoad;
import io.gantry.proxy.backend.BackendProtocol;
import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's backends as a key-value store describes them: one entry per key, applied put by put
 * and delete by delete, turned into a {@link BackendSet} when a batch of changes is complete. A value
 * that is not a backend is skipped with one warning (until it changes). A key keeps its
 * {@link BackendLoad} (requests in flight, when it joined) while it stays, whatever its value becomes,
 * and across a full re-read. Owned by one thread.
 */
public final class BackendTable {

    private static final Logger log = LoggerFactory.getLogger(BackendTable.class);

    // Sorted like a BackendSet, so a snapshot needs no sort.
    private final TreeMap<String, Endpoint> endpoints = new TreeMap<>();
    private final Map<String, String> rejected = new HashMap<>();
    /** During a full re-read: what was there before it, so keys that come back keep their load. */
    private Map<String, Endpoint> beforeReread = Map.of();
    private boolean started;

    /**
     * Sets {@code key} to the backend in {@code value}, or drops it when the value is not one. A backend
     * whose address, TLS or protocol changed is a new backend (its pooled connections are not reused).
     */
    public void put(String key, String value) {
        try {
            BackendValue parsed = ServiceKeys.parseBackend(key, value);
            Endpoint previous = endpoints.get(key);
            if (previous == null) {
                previous = beforeReread.get(key);
            }
            BackendProtocol protocol = BackendProtocol.named(parsed.protocol());
            Backend backend = previous != null && previous.backend().address().equals(parsed.address())
                    && previous.backend().tls() == parsed.tls() && previous.backend().protocol() == protocol
                    ? previous.backend() : Backend.of(key, parsed.address(), parsed.tls(), protocol);
            BackendLoad load = previous != null ? previous.load() : started ? BackendLoad.joiningNow() : BackendLoad.fromStart();
            endpoints.put(key, new Endpoint(backend, parsed.weight(), parsed.draining(), load));
            rejected.remove(key);
        } catch (IllegalArgumentException e) {
            endpoints.remove(key);
            if (!value.equals(rejected.put(key, value))) {
                log.warn("{}; skipped", e.getMessage());
            }
        }
    }

    public void delete(String key) {
        endpoints.remove(key);
        rejected.remove(key);
    }

    /** Forgets every backend (before a full re-read); values already warned about are not warned about again. */
    public void clear() {
        beforeReread = new HashMap<>(endpoints);
        endpoints.clear();
    }

    public int size() {
        return endpoints.size();
    }

    /** The backends now, as an immutable set; from here on, new keys are newcomers (slow start applies). */
    public BackendSet snapshot() {
        beforeReread = Map.of();
        started = true;
        return BackendSet.ofSorted(endpoints.values());
    }
}
