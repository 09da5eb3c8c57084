package io.gantry.proxy.source;

import io.gantry.common.HostPort;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.BackendSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixed list of backends ({@code --backend host:port}, repeatable), each named by its address, all
 * reached over TLS or all in cleartext ({@code --backend-tls}).
 */
public final class StaticBackendSource implements BackendSource {

    private final BackendSet set;

    public StaticBackendSource(List<HostPort> addresses, boolean tls) {
        Map<String, Backend> unique = new LinkedHashMap<>();
        addresses.forEach(a -> unique.put(a.toString(), Backend.of(a.toString(), a, tls)));
        this.set = BackendSet.of(unique.values());
    }

    @Override
    public void start(BackendGroup group) {
        group.update(set);
    }

    @Override
    public void close() {
    }
}
