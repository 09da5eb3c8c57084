package io.gantry.proxy.source;

import io.gantry.common.HostPort;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendProtocol;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.BackendSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixed list of backends ({@code --backend host:port}, repeatable), each named by its address, all
 * reached over TLS or all in cleartext ({@code --backend-tls}), all speaking one protocol
 * ({@code --backend-protocol}).
 */
public final class StaticBackendSource implements BackendSource {

    private final BackendSet set;

    public StaticBackendSource(List<HostPort> addresses, boolean tls) {
        this(addresses, tls, BackendProtocol.HTTP_1_1);
    }

    public StaticBackendSource(List<HostPort> addresses, boolean tls, BackendProtocol protocol) {
        Map<String, Backend> unique = new LinkedHashMap<>();
        addresses.forEach(a -> unique.put(a.toString(), Backend.of(a.toString(), a, tls, protocol)));
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
