package io.gantry.proxy;

import io.gantry.common.EtcdSettings;
import io.gantry.common.HostPort;
import io.gantry.proxy.backend.Backend;
import io.gantry.testing.EtcdClusterExtension;
import io.gantry.testing.Poll;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The proxy on a three-member etcd cluster: whichever member it talks to dies, updates keep arriving. */
class EtcdClusterIT {

    @RegisterExtension
    static final EtcdClusterExtension cluster = new EtcdClusterExtension();

    @Test
    void updatesKeepArrivingWhileEachMemberInTurnIsKilled() throws Exception {
        try (Proxy proxy = Proxy.start(ProxyConfig.builder().listen(new HostPort("127.0.0.1", 0))
                .admin(new HostPort("127.0.0.1", 0)).etcd(EtcdSettings.parse(cluster.endpoints())).build())) {
            for (int killed = 0; killed < 3; killed++) {
                int via = (killed + 1) % 3;
                cluster.kill(killed);
                String key = "/services/website/while-m" + killed + "-down";
                cluster.putVia(via, key, "127.0.0.1:" + (10000 + killed));
                Poll.until(Duration.ofSeconds(20), key + " reaches the proxy with member " + killed + " down",
                        () -> proxy.backends().current().asList().stream().map(Backend::key).anyMatch(key::equals));
                cluster.start(killed);
            }
        }
    }
}
