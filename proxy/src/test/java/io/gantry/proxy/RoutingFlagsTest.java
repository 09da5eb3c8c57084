package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.EtcdSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The routing flags: where routes, settings and services are, the catch-all, slow start. */
class RoutingFlagsTest {

    private static ProxyConfig.Builder etcd() {
        return ProxyConfig.builder().etcd(EtcdSettings.parse("http://127.0.0.1:2379"));
    }

    @Test
    void theCatchAllIsAServiceUnderTheServicesPrefixOrItsOwnPrefix() {
        ProxyConfig tutorial = etcd().build();
        assertEquals("website", tutorial.catchAllService());
        assertTrue(tutorial.catchAllIsAService());
        assertEquals("/gantry/routes/", tutorial.routesPrefix());
        assertEquals(Duration.ZERO, tutorial.slowStart());
        ProxyConfig legacy = etcd().prefix("/legacy/pool").build();
        assertFalse(legacy.catchAllIsAService());
        assertEquals("/legacy/pool/", legacy.catchAllService());
        ProxyConfig deep = etcd().prefix("/services/a/b/").build();
        assertFalse(deep.catchAllIsAService(), "one segment under /services/ is a service; two are not");
        assertNull(etcd().prefix(null).build().catchAllService());
    }

    @Test
    void noneTurnsOffTheCatchAllOrTheRoutesButNotBoth() {
        assertEquals("proxy: --prefix none and --routes-prefix none: no request would have anywhere to go\n",
                ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--etcd", "http://127.0.0.1:1", "--prefix", "none",
                        "--routes-prefix", "none"));
        assertEquals("proxy: --prefix none leaves --backend nothing to serve: the backends are the catch-all route's\n",
                ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1", "--prefix", "none"));
    }

    @Test
    void aPrefixMustBeAPathAndSlowStartNotNegative() {
        assertTrue(ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--etcd", "http://127.0.0.1:1", "--routes-prefix",
                "gantry/routes").contains("prefix 'gantry/routes' must start with /"));
        assertTrue(ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1", "--slow-start", "soon")
                .contains("--slow-start"));
    }
}
