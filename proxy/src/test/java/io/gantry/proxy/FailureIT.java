package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.EtcdSettings;
import io.gantry.common.HostPort;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import io.gantry.testing.RawHttp;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Backends and etcd failing under load: what clients see (nothing, ideally) and what the proxy does about it. */
class FailureIT {

    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(2);

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    private static Proxy start(ProxyConfig.Builder b) throws InterruptedException {
        return Proxy.start(b.listen(new HostPort("127.0.0.1", 0)).admin(new HostPort("127.0.0.1", 0)).build());
    }

    private static List<HostPort> addresses(String... a) {
        return List.of(a).stream().map(HostPort::parse).toList();
    }

    @Test
    void backendKilledDuringKeepAliveLoadIsInvisibleToClientsAndRejoinsWhenRestarted() throws Exception {
        try (Proxy proxy = start(ProxyConfig.builder().backends(addresses(nginx.backend(1).address(), nginx.backend(2).address()))
                .failTimeout(Duration.ofMillis(500)))) {
            KeepAliveLoad load = new KeepAliveLoad(proxy.address(), "/", 4, 4000, Duration.ofSeconds(30));
            Poll.until(Duration.ofSeconds(10), "load under way", () -> load.done() > 500);
            nginx.backend(2).kill();
            Poll.until(Duration.ofSeconds(10), "load goes on", () -> load.done() > 2000);
            nginx.backend(2).start();
            load.await();
            assertEquals(List.of(), load.errors(), "errors clients saw");
            assertEquals(Map.of(200, load.done()), load.statuses());
            try (RawHttp client = new RawHttp(proxy.address())) {
                Poll.until(Duration.ofSeconds(10), "backend-2 back in the rotation", () -> client.get("/").text().contains("backend-2"));
            }
        }
    }

    @Test
    void backendResettingAfterHeadersCutsOffOnlyThatResponse() throws Exception {
        try (ScriptedBackend scripted = new ScriptedBackend(0);
                Proxy proxy = start(ProxyConfig.builder().backends(addresses(scripted.address())))) {
            KeepAliveLoad others = new KeepAliveLoad(proxy.address(), "/", 3, 600, Duration.ofSeconds(20));
            Poll.until(Duration.ofSeconds(10), "others under way", () -> others.done() > 100);
            try (RawHttp victim = new RawHttp(proxy.address())) {
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> victim.get("/reset"));
                assertTrue(e.getMessage().contains("body ended after 3 of 100 bytes"), e.getMessage());
            }
            others.await();
            assertEquals(List.of(), others.errors());
            assertEquals(Map.of(200, others.done()), others.statuses());
        }
    }

    @Test
    void keepAliveConnectionsTheBackendClosesAreRetriedUnseen() throws Exception {
        try (ScriptedBackend closing = new ScriptedBackend(3);
                Proxy proxy = start(ProxyConfig.builder().backends(addresses(closing.address())))) {
            KeepAliveLoad load = new KeepAliveLoad(proxy.address(), "/", 2, 2000, Duration.ofSeconds(30)).await();
            assertEquals(List.of(), load.errors());
            assertEquals(Map.of(200, load.done()), load.statuses());
            System.out.println("keep-alive close race: " + load.done() + " requests, all 200; backend errors absorbed: "
                    + proxy.metrics().backendErrors());
        }
    }

    @Test
    void etcdGoingDownDuringLoadChangesNothingForClients() throws Exception {
        etcd.put("/services/website/nginx@1", nginx.backend(1).address());
        etcd.put("/services/website/nginx@2", nginx.backend(2).address());
        try (Proxy proxy = start(ProxyConfig.builder().etcd(EtcdSettings.parse(etcd.endpoint())))) {
            Poll.until(Duration.ofSeconds(10), "backends read", () -> proxy.backends().current().size() == 2);
            KeepAliveLoad load = new KeepAliveLoad(proxy.address(), "/", 4, 3000, Duration.ofSeconds(30));
            Poll.until(Duration.ofSeconds(10), "load under way", () -> load.done() > 500);
            etcd.kill();
            Poll.until(Duration.ofSeconds(10), "proxy sees etcd gone", () -> proxy.metrics().sourceState().equals("disconnected"));
            load.await();
            etcd.start();
            assertEquals(List.of(), load.errors());
            assertEquals(Map.of(200, load.done()), load.statuses());
        }
    }

    @Test
    void backendsThatNeverAcceptGive502WithinTheConnectTimeout() throws Exception {
        // A listener that never accepts, its queue already full: Linux drops further SYNs, so connects time out.
        try (java.net.ServerSocket full = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> fillers = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                java.net.Socket s = new java.net.Socket();
                try {
                    s.connect(full.getLocalSocketAddress(), 200);
                } catch (java.io.IOException e) {
                    // the queue is full: what we wanted
                }
                fillers.add(s);
            }
            try (Proxy proxy = start(ProxyConfig.builder().backends(addresses("127.0.0.1:" + full.getLocalPort()))
                    .connectTimeout(Duration.ofMillis(300)));
                    RawHttp client = new RawHttp(proxy.address())) {
                long t0 = System.nanoTime();
                assertEquals(502, client.get("/").status());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("502 after " + ms + " ms with a 300 ms connect timeout");
                assertTrue(ms < 5000, "answered within the connect timeout, not hanging: " + ms + " ms");
            } finally {
                for (java.net.Socket s : fillers) {
                    s.close();
                }
            }
        }
    }
}
