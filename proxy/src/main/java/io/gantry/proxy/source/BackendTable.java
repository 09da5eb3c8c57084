package io.gantry.proxy.source;

import io.gantry.common.BackendValue;
import io.gantry.common.ServiceKeys;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendProtocol;
import io.gantry.proxy.backend.BackendSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends as a key-value store describes them: one entry per key, applied put by put and delete
 * by delete, turned into a {@link BackendSet} when a batch of changes is complete. A value that is not
 * an address is skipped with one warning (until it changes). Owned by one thread.
 */
public final class BackendTable {

    private static final Logger log = LoggerFactory.getLogger(BackendTable.class);

    // Sorted like a BackendSet, so a snapshot needs no sort.
    private final TreeMap<String, Backend> backends = new TreeMap<>();
    private final Map<String, String> rejected = new HashMap<>();

    /**
     * Sets {@code key} to the backend in {@code value}, or drops it when the value is not one. A backend
     * whose address, TLS or protocol changed is a new backend (its pooled connections are not reused).
     */
    public void put(String key, String value) {
        try {
            BackendValue parsed = ServiceKeys.parseBackend(key, value);
            Backend previous = backends.get(key);
            BackendProtocol protocol = BackendProtocol.named(parsed.protocol());
            if (previous == null || !previous.address().equals(parsed.address()) || previous.tls() != parsed.tls()
                    || previous.protocol() != protocol) {
                backends.put(key, Backend.of(key, parsed.address(), parsed.tls(), protocol));
            }
            rejected.remove(key);
        } catch (IllegalArgumentException e) {
            backends.remove(key);
            if (!value.equals(rejected.put(key, value))) {
                log.warn("{}; skipped", e.getMessage());
            }
        }
    }

    public void delete(String key) {
        backends.remove(key);
        rejected.remove(key);
    }

    /** Forgets every backend (before a full re-read); values already warned about are not warned about again. */
    public void clear() {
        backends.clear();
    }

    public int size() {
        return backends.size();
    }

    /** The backends now, as an immutable set. */
    public BackendSet snapshot() {
        return BackendSet.ofSorted(backends.values());
    }
}
