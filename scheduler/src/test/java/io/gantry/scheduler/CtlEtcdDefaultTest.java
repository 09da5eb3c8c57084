package io.gantry.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where ctl finds etcd with no --etcd: GANTRY_ETCD, then ETCDCTL_ENDPOINTS, then fleetctl's local default. */
class CtlEtcdDefaultTest {

    private static String endpoints(Map<String, String> env) {
        return CtlCommand.etcdEnvironment(env::get).apply("ETCDCTL_ENDPOINTS");
    }

    @Test
    void gantryEtcdWinsOverEtcdctlsWhichWinsOverTheLocalDefault() {
        assertEquals("http://10.0.0.2:2379", endpoints(Map.of("GANTRY_ETCD", "http://10.0.0.2:2379", "ETCDCTL_ENDPOINTS", "http://10.0.0.3:2379")));
        assertEquals("http://10.0.0.3:2379", endpoints(Map.of("ETCDCTL_ENDPOINTS", "http://10.0.0.3:2379")));
        assertEquals("http://127.0.0.1:2379", endpoints(Map.of()));
        assertEquals("/ca.pem", CtlCommand.etcdEnvironment(Map.of("ETCDCTL_CACERT", "/ca.pem")::get).apply("ETCDCTL_CACERT"));
    }

    @Test
    void aBadGantryEtcdIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> endpoints(Map.of("GANTRY_ETCD", "ftp://x")));
        assertTrue(e.getMessage().startsWith("GANTRY_ETCD: "), e.getMessage());
    }
}
