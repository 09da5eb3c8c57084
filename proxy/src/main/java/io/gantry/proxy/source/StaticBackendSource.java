package io.gantry.proxy.source;

import io.gantry.common.HostPort;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.BackendProtocol;
import io.gantry.proxy.backend.BackendSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixed list of backends ({@code --backend host:port}, repeatable), each named by its address, all
 * reached over TLS or all in cleartext ({@code --backend-tls}), all speaking one protocol
 * ({@code --backend-protocol}): the one service of the catch-all route.
 */
public final class StaticBackendSource implements BackendSource {

    private final BackendSet set;
    private final BackendGroup group;

    public StaticBackendSource(List<HostPort> addresses, boolean tls, BackendProtocol protocol, BackendGroup group) {
        Map<String, Backend> unique = new LinkedHashMap<>();
        addresses.forEach(a -> unique.put(a.toString(), Backend.of(a.toString(), a, tls, protocol)));
        this.set = BackendSet.of(unique.values());
        this.group = group;
    }

    @Override
    public void start() {
        group.update(set);
    }

    @Override
    public void close() {
    }
}
