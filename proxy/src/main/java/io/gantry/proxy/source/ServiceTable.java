package io.gantry.proxy.source;

import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Services;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends of every service under one prefix, {@code /services/<service>/<instance>}, as one
 * watch reads them: each key goes to its service's {@link BackendTable}, and when a batch is complete
 * only the services it touched publish a new set. A change to one backend of 100,000 costs the
 * rebuild of its service's set alone. Owned by the watch's thread.
 */
public final class ServiceTable implements EtcdPrefixWatch.Listener {

    private static final Logger log = LoggerFactory.getLogger(ServiceTable.class);

    private final String prefix;
    private final String onlyService;
    private final Services services;
    private final Map<String, BackendTable> tables = new HashMap<>();
    private final Set<String> touched = new HashSet<>();
    private final Set<String> misplaced = new HashSet<>();

    /**
     * @param prefix the keys' prefix, ending in {@code /}
     * @param onlyService every key under the prefix is this service's backend; null: the first segment
     *     after the prefix names the service
     */
    public ServiceTable(String prefix, String onlyService, Services services) {
        this.prefix = prefix;
        this.onlyService = onlyService;
        this.services = services;
    }

    private String serviceOf(String key, boolean warn) {
        if (onlyService != null) {
            return onlyService;
        }
        int slash = key.indexOf('/', prefix.length());
        if (slash <= prefix.length() || slash == key.length() - 1) {
            if (warn && misplaced.add(key)) {
                log.warn("key {} is not {}<service>/<instance>; skipped", key, prefix);
            }
            return null;
        }
        return key.substring(prefix.length(), slash);
    }

    @Override
    public void clear() {
        tables.values().forEach(BackendTable::clear);
        touched.addAll(tables.keySet());
    }

    @Override
    public void put(String key, String value) {
        String service = serviceOf(key, true);
        if (service != null) {
            tables.computeIfAbsent(service, s -> new BackendTable()).put(key, value);
            touched.add(service);
        }
    }

    @Override
    public void delete(String key) {
        misplaced.remove(key);
        String service = serviceOf(key, false);
        BackendTable table = service == null ? null : tables.get(service);
        if (table != null) {
            table.delete(key);
            touched.add(service);
        }
    }

    @Override
    public void batchDone() {
        for (String service : touched) {
            BackendSet next = tables.get(service).snapshot();
            var group = services.group(service);
            if (!next.sameAs(group.current())) {
                group.update(next);
            }
        }
        touched.clear();
    }
}
